CREATE TABLE `call_quality` (
	`meeting_id` text NOT NULL,
	`user_id` text NOT NULL,
	`room` text NOT NULL,
	`rating` integer NOT NULL,
	`comment` text,
	`answered_at` text NOT NULL,
	PRIMARY KEY(`meeting_id`, `user_id`),
	FOREIGN KEY (`meeting_id`) REFERENCES `meetings`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `call_quality_room` ON `call_quality` (`room`);