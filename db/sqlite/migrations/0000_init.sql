CREATE TABLE `api_keys` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`scope` text NOT NULL,
	`prefix` text NOT NULL,
	`hash` text NOT NULL,
	`created_at_ms` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`last_used_at_ms` integer,
	`revoked_at_ms` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_hash_unique` ON `api_keys` (`hash`);--> statement-breakpoint
CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at_ms` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`actor` text NOT NULL,
	`action` text NOT NULL,
	`entity_type` text NOT NULL,
	`entity_id` text NOT NULL,
	`details` text DEFAULT '{}' NOT NULL
);
--> statement-breakpoint
CREATE INDEX `audit_entity_idx` ON `audit_log` (`entity_type`,`entity_id`,`at_ms`);--> statement-breakpoint
CREATE TABLE `decisions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`experiment_id` integer NOT NULL,
	`computed_decision` text NOT NULL,
	`final_decision` text NOT NULL,
	`winning_variant_key` text,
	`rationale` text,
	`decided_by` text NOT NULL,
	`decided_at_ms` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`experiment_id`) REFERENCES `experiments`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`client_event_id` text,
	`user_id` text NOT NULL,
	`event_name` text NOT NULL,
	`value` real,
	`timestamp_ms` integer NOT NULL,
	`received_at_ms` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `events_client_event_id` ON `events` (`client_event_id`);--> statement-breakpoint
CREATE INDEX `events_name_user_time` ON `events` (`event_name`,`user_id`,`timestamp_ms`);--> statement-breakpoint
CREATE TABLE `experiment_metrics` (
	`experiment_id` integer NOT NULL,
	`metric_id` integer NOT NULL,
	`role` text NOT NULL,
	PRIMARY KEY(`experiment_id`, `metric_id`),
	FOREIGN KEY (`experiment_id`) REFERENCES `experiments`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`metric_id`) REFERENCES `metrics`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE TABLE `experiments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`key` text NOT NULL,
	`name` text NOT NULL,
	`plan_id` integer,
	`week` integer,
	`objective` text,
	`hypothesis` text,
	`description` text,
	`channels` text DEFAULT '[]' NOT NULL,
	`assets` text DEFAULT '[]' NOT NULL,
	`metrics_planned` text DEFAULT '[]' NOT NULL,
	`audience` text,
	`owner` text,
	`notes` text,
	`lifecycle_stage` text,
	`start_date` text,
	`duration_days` integer DEFAULT 14 NOT NULL,
	`status` text DEFAULT 'draft' NOT NULL,
	`coverage` real DEFAULT 1 NOT NULL,
	`seed` text,
	`hash_version` integer DEFAULT 2 NOT NULL,
	`layer_id` integer,
	`layer_start` real,
	`layer_end` real,
	`targeting` text DEFAULT '[]' NOT NULL,
	`forced_variants` text DEFAULT '{}' NOT NULL,
	`rollout_variant_key` text,
	`planned_mde` real,
	`baseline_rate` real,
	`started_at_ms` integer,
	`stopped_at_ms` integer,
	`concluded_at_ms` integer,
	`created_at_ms` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`updated_at_ms` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`plan_id`) REFERENCES `plans`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`layer_id`) REFERENCES `layers`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `experiments_key_unique` ON `experiments` (`key`);--> statement-breakpoint
CREATE INDEX `experiments_plan_idx` ON `experiments` (`plan_id`,`week`);--> statement-breakpoint
CREATE INDEX `experiments_status_idx` ON `experiments` (`status`);--> statement-breakpoint
CREATE TABLE `exposures` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`experiment_id` integer NOT NULL,
	`user_id` text NOT NULL,
	`variant_key` text NOT NULL,
	`first_exposed_at_ms` integer NOT NULL,
	`last_exposed_at_ms` integer NOT NULL,
	`exposure_count` integer DEFAULT 1 NOT NULL,
	`conflict_count` integer DEFAULT 0 NOT NULL,
	`attributes` text DEFAULT '{}' NOT NULL,
	FOREIGN KEY (`experiment_id`) REFERENCES `experiments`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `exposures_experiment_user` ON `exposures` (`experiment_id`,`user_id`);--> statement-breakpoint
CREATE INDEX `exposures_experiment_variant` ON `exposures` (`experiment_id`,`variant_key`,`first_exposed_at_ms`);--> statement-breakpoint
CREATE TABLE `ideas` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`plan_id` integer,
	`title` text NOT NULL,
	`hypothesis` text,
	`channel` text,
	`source` text DEFAULT 'other' NOT NULL,
	`notes` text,
	`status` text DEFAULT 'open' NOT NULL,
	`created_at_ms` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`plan_id`) REFERENCES `plans`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE TABLE `layers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`key` text NOT NULL,
	`name` text NOT NULL,
	`description` text,
	`created_at_ms` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `layers_key_unique` ON `layers` (`key`);--> statement-breakpoint
CREATE TABLE `metrics` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`key` text NOT NULL,
	`name` text NOT NULL,
	`description` text,
	`kind` text NOT NULL,
	`event_name` text NOT NULL,
	`denominator_event_name` text,
	`direction` text DEFAULT 'increase' NOT NULL,
	`window_days` integer,
	`winsorize_percentile` real,
	`baseline` real,
	`baseline_sd` real,
	`created_at_ms` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`updated_at_ms` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `metrics_key_unique` ON `metrics` (`key`);--> statement-breakpoint
CREATE TABLE `plans` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`template_key` text,
	`start_date` text NOT NULL,
	`weeks` integer DEFAULT 12 NOT NULL,
	`owner` text,
	`goal` text,
	`status` text DEFAULT 'active' NOT NULL,
	`daily_traffic` text DEFAULT '{}' NOT NULL,
	`calendar_token` text,
	`notes` text,
	`created_at_ms` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`updated_at_ms` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `plans_template_key_unique` ON `plans` (`template_key`);--> statement-breakpoint
CREATE TABLE `playbook_entries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`experiment_id` integer,
	`title` text NOT NULL,
	`what_was_tested` text,
	`winning_variant_key` text,
	`metric_key` text,
	`relative_lift` real,
	`ci_low` real,
	`ci_high` real,
	`p_value` real,
	`channel` text,
	`lifecycle_stage` text,
	`audience` text,
	`evidence_url` text,
	`learning` text NOT NULL,
	`created_by` text,
	`created_at_ms` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`experiment_id`) REFERENCES `experiments`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE TABLE `success_criteria` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`experiment_id` integer NOT NULL,
	`kind` text NOT NULL,
	`metric_key` text,
	`min_relative_lift` real,
	`max_p_value` real,
	`max_relative_degradation` real,
	`description` text NOT NULL,
	FOREIGN KEY (`experiment_id`) REFERENCES `experiments`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `success_criteria_experiment_idx` ON `success_criteria` (`experiment_id`);--> statement-breakpoint
CREATE TABLE `variants` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`experiment_id` integer NOT NULL,
	`key` text NOT NULL,
	`name` text NOT NULL,
	`description` text,
	`weight` real NOT NULL,
	`is_control` integer DEFAULT false NOT NULL,
	`position` integer NOT NULL,
	FOREIGN KEY (`experiment_id`) REFERENCES `experiments`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `variants_experiment_key` ON `variants` (`experiment_id`,`key`);