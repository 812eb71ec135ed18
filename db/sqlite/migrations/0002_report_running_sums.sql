CREATE TABLE `report_group_sums` (
	`experiment_id` integer NOT NULL,
	`metric_id` integer NOT NULL,
	`variant_key` text NOT NULL,
	`day` integer NOT NULL,
	`rows` integer NOT NULL,
	`sum` real NOT NULL,
	`sum_squares` real NOT NULL,
	`sum_denominator` real NOT NULL,
	`sum_denominator_squares` real NOT NULL,
	`sum_cross_products` real NOT NULL,
	PRIMARY KEY(`experiment_id`, `metric_id`, `variant_key`, `day`),
	FOREIGN KEY (`experiment_id`) REFERENCES `experiments`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `report_moved_exposures` (
	`experiment_id` integer NOT NULL,
	`user_id` text NOT NULL,
	`old_first_ms` integer NOT NULL,
	PRIMARY KEY(`experiment_id`, `user_id`)
);
--> statement-breakpoint
CREATE TABLE `report_user_values` (
	`experiment_id` integer NOT NULL,
	`metric_id` integer NOT NULL,
	`user_id` text NOT NULL,
	`variant_key` text NOT NULL,
	`day` integer NOT NULL,
	`value` real NOT NULL,
	`denominator` real NOT NULL,
	`winsorized` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`experiment_id`, `metric_id`, `user_id`),
	FOREIGN KEY (`experiment_id`) REFERENCES `experiments`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `report_user_values_capped` ON `report_user_values` (`experiment_id`,`metric_id`,`value`) WHERE winsorized = 1;--> statement-breakpoint
CREATE TRIGGER `report_exposure_moved` AFTER UPDATE OF `first_exposed_at_ms` ON `exposures`
WHEN NEW.`first_exposed_at_ms` < OLD.`first_exposed_at_ms`
BEGIN
	INSERT OR IGNORE INTO `report_moved_exposures` (`experiment_id`, `user_id`, `old_first_ms`)
	VALUES (OLD.`experiment_id`, OLD.`user_id`, OLD.`first_exposed_at_ms`);
END;
--> statement-breakpoint
DELETE FROM `report_metric_users`;
--> statement-breakpoint
DELETE FROM `report_refresh_state`;
