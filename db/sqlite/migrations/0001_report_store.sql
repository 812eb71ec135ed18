CREATE TABLE `report_metric_users` (
	`experiment_id` integer NOT NULL,
	`metric_id` integer NOT NULL,
	`user_id` text NOT NULL,
	`variant_key` text NOT NULL,
	`day` integer NOT NULL,
	`value` real NOT NULL,
	`denominator` real NOT NULL,
	FOREIGN KEY (`experiment_id`) REFERENCES `experiments`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `report_metric_users_user` ON `report_metric_users` (`experiment_id`,`metric_id`,`user_id`);--> statement-breakpoint
CREATE INDEX `report_metric_users_group` ON `report_metric_users` (`experiment_id`,`metric_id`,`variant_key`,`day`,`value`,`denominator`);--> statement-breakpoint
CREATE INDEX `report_metric_users_value` ON `report_metric_users` (`experiment_id`,`metric_id`,`value`);--> statement-breakpoint
CREATE TABLE `report_refresh_state` (
	`experiment_id` integer PRIMARY KEY NOT NULL,
	`definitions` text NOT NULL,
	`last_event_id` integer NOT NULL,
	`last_exposure_id` integer NOT NULL,
	`exposure_count` integer NOT NULL,
	`exposure_first_ms_sum` integer NOT NULL,
	`base_ms` integer NOT NULL,
	`refreshed_at_ms` integer NOT NULL,
	FOREIGN KEY (`experiment_id`) REFERENCES `experiments`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `exposures_conflicted` ON `exposures` (`experiment_id`,`variant_key`,`first_exposed_at_ms`) WHERE conflict_count > 0;