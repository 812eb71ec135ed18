-- Custom migration (drizzle-kit generate --custom): the PostgreSQL form of SQLite's trigger
-- `report_exposure_moved` (db/migrations/0005_report_store_file.sql). When an exposure's first
-- time moves earlier, remember the time before the move so the next report refresh recomputes
-- just that user.
CREATE FUNCTION "report_exposure_moved"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO "report_moved_exposures" ("experiment_id", "user_id", "old_first_ms")
	VALUES (OLD."experiment_id", OLD."user_id", OLD."first_exposed_at_ms");
	RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "report_exposure_moved" AFTER UPDATE OF "first_exposed_at_ms" ON "exposures"
FOR EACH ROW WHEN (NEW."first_exposed_at_ms" < OLD."first_exposed_at_ms")
EXECUTE FUNCTION "report_exposure_moved"();
