CREATE TABLE "telemetry_minutely" (
	"tenant_id" uuid NOT NULL,
	"plc_id" uuid NOT NULL,
	"metric" text NOT NULL,
	"minute" timestamp with time zone NOT NULL,
	"count" bigint NOT NULL,
	"sum" double precision,
	"min" double precision,
	"max" double precision,
	CONSTRAINT "telemetry_minutely_pk" PRIMARY KEY("plc_id","metric","minute")
) WITH (fillfactor = 70);
--> statement-breakpoint
-- Values stored before this migration get their minutes once, here.
INSERT INTO "telemetry_minutely" ("tenant_id", "plc_id", "metric", "minute", "count", "sum", "min", "max")
SELECT "tenant_id", "plc_id", "metric", date_trunc('minute', "ts"), count(*),
       sum(coalesce("value_num", CASE WHEN "value_bool" THEN 1 WHEN NOT "value_bool" THEN 0 END)),
       min(coalesce("value_num", CASE WHEN "value_bool" THEN 1 WHEN NOT "value_bool" THEN 0 END)),
       max(coalesce("value_num", CASE WHEN "value_bool" THEN 1 WHEN NOT "value_bool" THEN 0 END))
FROM "telemetry_events" GROUP BY 1, 2, 3, 4;
