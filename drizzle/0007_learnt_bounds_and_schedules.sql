CREATE TABLE "learnt_bounds" (
	"tenant_id" uuid NOT NULL,
	"rule_id" uuid NOT NULL,
	"plc_id" uuid NOT NULL,
	"metric" text NOT NULL,
	"p_low" double precision NOT NULL,
	"p_high" double precision NOT NULL,
	"low" double precision NOT NULL,
	"high" double precision NOT NULL,
	"points" integer NOT NULL,
	"window_from" timestamp with time zone NOT NULL,
	"window_to" timestamp with time zone NOT NULL,
	"computed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "learnt_bounds_pk" PRIMARY KEY("rule_id","plc_id","metric")
);
--> statement-breakpoint
CREATE TABLE "machine_schedules" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"plc_id" uuid NOT NULL,
	"metric" text NOT NULL,
	"status" text DEFAULT 'suggested' NOT NULL,
	"windows" jsonb NOT NULL,
	"time_zone" text DEFAULT 'UTC' NOT NULL,
	"bin_minutes" integer NOT NULL,
	"threshold" double precision NOT NULL,
	"learnt_from" timestamp with time zone NOT NULL,
	"learnt_to" timestamp with time zone NOT NULL,
	"computed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"decided_at" timestamp with time zone,
	"decided_by" text,
	CONSTRAINT "machine_schedules_plc_metric" UNIQUE("plc_id","metric")
);
--> statement-breakpoint
ALTER TABLE "learnt_bounds" ADD CONSTRAINT "learnt_bounds_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "learnt_bounds" ADD CONSTRAINT "learnt_bounds_rule_id_alarm_rules_id_fk" FOREIGN KEY ("rule_id") REFERENCES "public"."alarm_rules"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "learnt_bounds" ADD CONSTRAINT "learnt_bounds_plc_id_plcs_id_fk" FOREIGN KEY ("plc_id") REFERENCES "public"."plcs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "machine_schedules" ADD CONSTRAINT "machine_schedules_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "machine_schedules" ADD CONSTRAINT "machine_schedules_plc_id_plcs_id_fk" FOREIGN KEY ("plc_id") REFERENCES "public"."plcs"("id") ON DELETE cascade ON UPDATE no action;