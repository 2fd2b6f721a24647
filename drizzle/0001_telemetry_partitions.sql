-- Daily partitions of telemetry_events, created ahead by ensure_telemetry_partitions() (called at
-- start-up and hourly by the app). Rows for a day without a partition — e.g. a gateway flushing a
-- buffer from long ago — land in the default partition instead of failing.
CREATE TABLE IF NOT EXISTS "telemetry_events_default" PARTITION OF "telemetry_events" DEFAULT;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION ensure_telemetry_partitions(days_back integer, days_ahead integer)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  d date;
  created integer := 0;
  part text;
BEGIN
  FOR d IN SELECT generate_series((now() AT TIME ZONE 'UTC')::date - days_back, (now() AT TIME ZONE 'UTC')::date + days_ahead, interval '1 day')::date LOOP
    part := 'telemetry_events_' || to_char(d, 'YYYYMMDD');
    IF to_regclass(part) IS NULL THEN
      BEGIN
        EXECUTE format(
          'CREATE TABLE %I PARTITION OF telemetry_events FOR VALUES FROM (%L) TO (%L)',
          part, (d::timestamp AT TIME ZONE 'UTC'), ((d + 1)::timestamp AT TIME ZONE 'UTC'));
        created := created + 1;
      EXCEPTION
        -- Another instance created it first, or the default partition already holds rows of that
        -- day (then the day stays in the default partition).
        WHEN duplicate_table OR check_violation THEN NULL;
      END;
    END IF;
  END LOOP;
  RETURN created;
END $$;
--> statement-breakpoint
SELECT ensure_telemetry_partitions(1, 7);
