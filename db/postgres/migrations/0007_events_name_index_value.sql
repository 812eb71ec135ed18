DROP INDEX "events_name_user_time";--> statement-breakpoint
CREATE INDEX "events_name_user_time_value" ON "events" USING btree ("event_name","user_id","timestamp_ms","value");