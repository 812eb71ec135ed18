DROP INDEX `events_client_event_id`;--> statement-breakpoint
CREATE UNIQUE INDEX `events_user_client_event_id` ON `events` (`user_id`,`client_event_id`);