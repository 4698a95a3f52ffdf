-- Written by drizzle-kit, then edited by hand: IF NOT EXISTS, because a TurnKeys object made
-- before these migrations already has this table (made with raw SQL, in the same shape), and this
-- first migration must then keep its keys and just be recorded as applied.
CREATE TABLE IF NOT EXISTS `turn_keys` (
	`uid` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`sealed` text NOT NULL,
	`created` text NOT NULL,
	`state` text NOT NULL,
	`retire_at` text
);
