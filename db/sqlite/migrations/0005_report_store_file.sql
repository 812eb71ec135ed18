-- The report store moves to a file of its own (db/queries/report-store-schema.ts), written
-- only by the analysis thread; it rebuilds from the raw exposures and events on first use.
DROP TABLE `report_group_sums`;--> statement-breakpoint
DROP TABLE `report_refresh_state`;--> statement-breakpoint
DROP TABLE `report_segment_sums`;--> statement-breakpoint
DROP TABLE `report_user_values`;--> statement-breakpoint
DROP TRIGGER IF EXISTS `report_exposure_moved`;--> statement-breakpoint
DROP TABLE `report_moved_exposures`;--> statement-breakpoint
CREATE TABLE `report_moved_exposures` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`experiment_id` integer NOT NULL,
	`user_id` text NOT NULL,
	`old_first_ms` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `report_moved_exposures_experiment` ON `report_moved_exposures` (`experiment_id`,`seq`);--> statement-breakpoint
CREATE TRIGGER `report_exposure_moved` AFTER UPDATE OF `first_exposed_at_ms` ON `exposures`
WHEN NEW.`first_exposed_at_ms` < OLD.`first_exposed_at_ms`
BEGIN
	INSERT INTO `report_moved_exposures` (`experiment_id`, `user_id`, `old_first_ms`)
	VALUES (OLD.`experiment_id`, OLD.`user_id`, OLD.`first_exposed_at_ms`);
END;
