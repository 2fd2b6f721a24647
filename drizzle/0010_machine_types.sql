ALTER TABLE "alarm_rules" ADD COLUMN "machine_type" text;--> statement-breakpoint
ALTER TABLE "plcs" ADD COLUMN "machine_type" text;