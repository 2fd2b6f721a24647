CREATE TABLE "audit_roots" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"tenant_id" uuid,
	"first_id" bigint NOT NULL,
	"last_id" bigint NOT NULL,
	"entries" integer NOT NULL,
	"root" text NOT NULL,
	"sealed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"anchor" jsonb,
	"anchor_error" text
);
--> statement-breakpoint
ALTER TABLE "audit_roots" ADD CONSTRAINT "audit_roots_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_roots_tenant_last" ON "audit_roots" USING btree ("tenant_id","last_id");--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_chain_successor" UNIQUE NULLS NOT DISTINCT("tenant_id","prev_hash");