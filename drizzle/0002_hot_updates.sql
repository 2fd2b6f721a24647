-- plc_state and telemetry_hourly are updated in place on every batch. Free space in each page lets
-- PostgreSQL do those as HOT updates (no index writes); no index may cover a column that changes.
ALTER TABLE "plc_state" SET (fillfactor = 70);
--> statement-breakpoint
ALTER TABLE "telemetry_hourly" SET (fillfactor = 70);
