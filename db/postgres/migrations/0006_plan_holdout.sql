CREATE TABLE "plan_exposures" (
	"plan_id" integer NOT NULL,
	"user_id" text NOT NULL,
	"holdout" boolean NOT NULL,
	"first_exposed_at_ms" bigint NOT NULL,
	CONSTRAINT "plan_exposures_plan_id_user_id_pk" PRIMARY KEY("plan_id","user_id")
);
--> statement-breakpoint
ALTER TABLE "plans" ADD COLUMN "holdout_share" double precision DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "plans" ADD COLUMN "holdout_seed" text;--> statement-breakpoint
ALTER TABLE "plan_exposures" ADD CONSTRAINT "plan_exposures_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE cascade ON UPDATE no action;