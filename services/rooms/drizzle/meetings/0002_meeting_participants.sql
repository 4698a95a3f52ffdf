CREATE TABLE `meeting_participants` (
	`meeting_id` text NOT NULL,
	`user_id` text NOT NULL,
	`joined_at` text NOT NULL,
	PRIMARY KEY(`meeting_id`, `user_id`),
	FOREIGN KEY (`meeting_id`) REFERENCES `meetings`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_call_quality` (
	`meeting_id` text NOT NULL,
	`person` text NOT NULL,
	`user_id` text NOT NULL,
	`room` text NOT NULL,
	`rating` integer NOT NULL,
	`comment` text,
	`answered_at` text NOT NULL,
	PRIMARY KEY(`meeting_id`, `person`),
	FOREIGN KEY (`meeting_id`) REFERENCES `meetings`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
-- Answers from before people were known: each counts as its own person (nothing to tell them apart by).
INSERT INTO `__new_call_quality`("meeting_id", "person", "user_id", "room", "rating", "comment", "answered_at") SELECT "meeting_id", "user_id", "user_id", "room", "rating", "comment", "answered_at" FROM `call_quality`;--> statement-breakpoint
DROP TABLE `call_quality`;--> statement-breakpoint
ALTER TABLE `__new_call_quality` RENAME TO `call_quality`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `call_quality_room` ON `call_quality` (`room`);