CREATE TABLE "cold_exports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"plant_id" uuid NOT NULL,
	"day" date NOT NULL,
	"format" text NOT NULL,
	"store" text NOT NULL,
	"object_key" text NOT NULL,
	"rows" bigint NOT NULL,
	"bytes" bigint NOT NULL,
	"sha256" text NOT NULL,
	"rows_digest" text NOT NULL,
	"status" text DEFAULT 'written' NOT NULL,
	"error" text,
	"exported_at" timestamp with time zone DEFAULT now() NOT NULL,
	"verified_at" timestamp with time zone,
	CONSTRAINT "cold_exports_plant_day_format" UNIQUE("plant_id","day","format")
);
--> statement-breakpoint
ALTER TABLE "cold_exports" ADD CONSTRAINT "cold_exports_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cold_exports" ADD CONSTRAINT "cold_exports_plant_id_plants_id_fk" FOREIGN KEY ("plant_id") REFERENCES "public"."plants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "cold_exports_tenant_day" ON "cold_exports" USING btree ("tenant_id","day");