CREATE TABLE "alarm_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"alarm_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor" text,
	"value" double precision,
	"comment" text
);
--> statement-breakpoint
ALTER TABLE "alarm_rules" ALTER COLUMN "metric" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "alarm_rules" ALTER COLUMN "kind" SET DEFAULT 'threshold';--> statement-breakpoint
ALTER TABLE "alarm_rules" ALTER COLUMN "deadband" SET DEFAULT 0;--> statement-breakpoint
ALTER TABLE "alarm_rules" ALTER COLUMN "deadband" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "alarm_rules" ADD COLUMN "name" text NOT NULL;--> statement-breakpoint
ALTER TABLE "alarm_rules" ADD COLUMN "tolerance_abs" double precision DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "alarm_rules" ADD COLUMN "tolerance_frac" double precision DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "alarm_rules" ADD COLUMN "cooldown_s" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "alarm_rules" ADD COLUMN "updated_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "alarms" ADD COLUMN "shelved_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "alarms" ADD COLUMN "shelved_by" text;--> statement-breakpoint
ALTER TABLE "alarms" ADD COLUMN "condition_key" text NOT NULL;--> statement-breakpoint
ALTER TABLE "alarm_events" ADD CONSTRAINT "alarm_events_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alarm_events" ADD CONSTRAINT "alarm_events_alarm_id_alarms_id_fk" FOREIGN KEY ("alarm_id") REFERENCES "public"."alarms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "alarm_events_alarm" ON "alarm_events" USING btree ("alarm_id","id");--> statement-breakpoint
CREATE INDEX "alarms_tenant_ts" ON "alarms" USING btree ("tenant_id","ts","id");--> statement-breakpoint
CREATE UNIQUE INDEX "alarms_open_condition" ON "alarms" USING btree ("condition_key") WHERE state <> 'cleared';