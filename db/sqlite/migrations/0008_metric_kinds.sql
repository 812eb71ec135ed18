ALTER TABLE `metrics` ADD `denominator_aggregate` text DEFAULT 'sum' NOT NULL;--> statement-breakpoint
ALTER TABLE `metrics` ADD `extra_event_names` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `metrics` ADD `window_start_days` integer;--> statement-breakpoint
ALTER TABLE `metrics` ADD `min_count` integer;