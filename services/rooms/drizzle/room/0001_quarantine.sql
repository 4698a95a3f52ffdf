CREATE TABLE `quarantine` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`seq` integer NOT NULL,
	`kind` text NOT NULL,
	`error` text NOT NULL,
	`content` text,
	`at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `quarantine_kind_seq` ON `quarantine` (`kind`,`seq`);