-- Written by drizzle-kit, then edited by hand: IF NOT EXISTS on every table and index, because
-- rooms made before these migrations already have them (the object made them with raw SQL, in the
-- same shape), and this first migration must then keep their rows and just be recorded as applied.
-- A room older still, whose `sessions` has no `last_at`, gets it in RoomMedia's constructor.
CREATE TABLE IF NOT EXISTS `history` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`session_id` text NOT NULL,
	`entry` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS `history_by_session` ON `history` (`session_id`,`id`);--> statement-breakpoint
CREATE TABLE IF NOT EXISTS `sessions` (
	`session_id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`created_at` text NOT NULL,
	`last_at` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE IF NOT EXISTS `tracks` (
	`session_id` text NOT NULL,
	`track_name` text NOT NULL,
	PRIMARY KEY(`session_id`, `track_name`)
);
