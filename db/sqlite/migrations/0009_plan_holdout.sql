CREATE TABLE `plan_exposures` (
	`plan_id` integer NOT NULL,
	`user_id` text NOT NULL,
	`holdout` integer NOT NULL,
	`first_exposed_at_ms` integer NOT NULL,
	PRIMARY KEY(`plan_id`, `user_id`),
	FOREIGN KEY (`plan_id`) REFERENCES `plans`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
ALTER TABLE `plans` ADD `holdout_share` real DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `plans` ADD `holdout_seed` text;