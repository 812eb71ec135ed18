CREATE TABLE `amendments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`experiment_id` integer NOT NULL,
	`at_ms` integer NOT NULL,
	`actor` text NOT NULL,
	`reason` text NOT NULL,
	`fields` text NOT NULL,
	`before` text NOT NULL,
	`after` text NOT NULL,
	`report_views` integer NOT NULL,
	FOREIGN KEY (`experiment_id`) REFERENCES `experiments`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `amendments_experiment_idx` ON `amendments` (`experiment_id`,`id`);--> statement-breakpoint
ALTER TABLE `api_keys` ADD `allowed_origins` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `experiments` ADD `exploratory` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `experiments` ADD `registration` text;--> statement-breakpoint
ALTER TABLE `experiments` ADD `report_views` integer DEFAULT 0 NOT NULL;