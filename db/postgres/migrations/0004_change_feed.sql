-- The change feed across replicas (db/postgres/change-feed.ts): every committed change to what
-- the replicas cache (assignment configs, the SDK payload, API keys) sends a NOTIFY on the
-- channel weekly_experiments_changes. NOTIFY is transactional: it is delivered at COMMIT and
-- dropped on ROLLBACK, and identical payloads of one transaction are delivered once.
-- Payload: {"t":"experiments","key":…} (key null: any experiment, e.g. a layer changed) or
-- {"t":"keys","id":…,"revoked":…}. Hot-path tables (exposures, events) have no trigger.
CREATE FUNCTION weekly_experiments_notify_experiment() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Counting a report view or touching updated_at changes nothing a replica caches.
  IF TG_OP = 'UPDATE' AND (to_jsonb(OLD) - 'report_views' - 'updated_at_ms') = (to_jsonb(NEW) - 'report_views' - 'updated_at_ms') THEN
    RETURN NULL;
  END IF;
  PERFORM pg_notify('weekly_experiments_changes', json_build_object('t', 'experiments', 'key', CASE WHEN TG_OP = 'DELETE' THEN OLD.key ELSE NEW.key END)::text);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION weekly_experiments_notify_variant() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('weekly_experiments_changes', json_build_object('t', 'experiments', 'key',
    (SELECT e.key FROM experiments e WHERE e.id = CASE WHEN TG_OP = 'DELETE' THEN OLD.experiment_id ELSE NEW.experiment_id END))::text);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION weekly_experiments_notify_layer() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('weekly_experiments_changes', json_build_object('t', 'experiments', 'key', NULL)::text);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION weekly_experiments_notify_key() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Marking a key as used (last_used_at_ms, once a minute) is not a change anyone caches.
  IF TG_OP = 'UPDATE' AND (to_jsonb(OLD) - 'last_used_at_ms') = (to_jsonb(NEW) - 'last_used_at_ms') THEN
    RETURN NULL;
  END IF;
  PERFORM pg_notify('weekly_experiments_changes', json_build_object('t', 'keys',
    'id', CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END,
    'revoked', TG_OP = 'DELETE' OR NEW.revoked_at_ms IS NOT NULL)::text);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER experiments_change_feed AFTER INSERT OR UPDATE OR DELETE ON experiments FOR EACH ROW EXECUTE FUNCTION weekly_experiments_notify_experiment();
--> statement-breakpoint
CREATE TRIGGER variants_change_feed AFTER INSERT OR UPDATE OR DELETE ON variants FOR EACH ROW EXECUTE FUNCTION weekly_experiments_notify_variant();
--> statement-breakpoint
CREATE TRIGGER layers_change_feed AFTER INSERT OR UPDATE OR DELETE ON layers FOR EACH STATEMENT EXECUTE FUNCTION weekly_experiments_notify_layer();
--> statement-breakpoint
CREATE TRIGGER api_keys_change_feed AFTER INSERT OR UPDATE OR DELETE ON api_keys FOR EACH ROW EXECUTE FUNCTION weekly_experiments_notify_key();
