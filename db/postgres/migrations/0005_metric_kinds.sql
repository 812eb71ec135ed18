ALTER TABLE "metrics" ADD COLUMN "denominator_aggregate" text DEFAULT 'sum' NOT NULL;--> statement-breakpoint
ALTER TABLE "metrics" ADD COLUMN "extra_event_names" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "metrics" ADD COLUMN "window_start_days" integer;--> statement-breakpoint
ALTER TABLE "metrics" ADD COLUMN "min_count" integer;