CREATE TABLE `report_segment_sums` (
	`experiment_id` integer NOT NULL,
	`attribute` text NOT NULL,
	`metric_id` integer NOT NULL,
	`segment` text NOT NULL,
	`variant_key` text NOT NULL,
	`rows` integer NOT NULL,
	`sum` real NOT NULL,
	`sum_squares` real NOT NULL,
	`sum_denominator` real NOT NULL,
	`sum_denominator_squares` real NOT NULL,
	`sum_cross_products` real NOT NULL,
	PRIMARY KEY(`experiment_id`, `attribute`, `metric_id`, `segment`, `variant_key`),
	FOREIGN KEY (`experiment_id`) REFERENCES `experiments`(`id`) ON UPDATE no action ON DELETE cascade
);
