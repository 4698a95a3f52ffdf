CREATE TABLE `meetings` (
	`id` text PRIMARY KEY NOT NULL,
	`room` text NOT NULL,
	`started_at` text NOT NULL,
	`ended_at` text,
	`peak_user_count` integer DEFAULT 0 NOT NULL
);
