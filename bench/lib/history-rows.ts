import type postgres from 'postgres'

const DAY_MS = 86_400_000

/** One PLC with `metrics` metrics at 1 s for `days` days, loaded by PostgreSQL itself, plus the aggregates ingest keeps. */
export async function loadRows(sql: postgres.Sql, o: { days: number, metrics: number, now: number }): Promise<number> {
  const started = Date.now()
  const [t] = await sql`insert into tenants (slug, name) values ('bench', 'Bench') returning id`
  const [p] = await sql`insert into plants (tenant_id, province, slug, name) values (${t!.id}, 'ba', 'line-1', 'Line 1') returning id`
  const [c] = await sql`insert into plcs (tenant_id, plant_id, plc_id, status) values (${t!.id}, ${p!.id}, 'plc-01', 'active') returning id`
  // Daily partitions, as the platform would have made them day by day.
  await sql`select ensure_telemetry_partitions(${o.days + 1}, 1)`
  const from = new Date(o.now - o.days * DAY_MS)
  const to = new Date(o.now)
  for (let m = 0; m < o.metrics; m++) {
    await sql`
      insert into telemetry_events (tenant_id, plc_id, metric, ts, value_num, quality, key)
      select ${t!.id}, ${c!.id}, ${`m${m}`}, ts, 50 + 20 * sin(extract(epoch from ts) / 3600.0) + random(), 'GOOD', 's' || extract(epoch from ts)::bigint
      from generate_series(${from}::timestamptz, ${to}::timestamptz - interval '1 second', interval '1 second') ts`
    process.stdout.write(`  loaded metric m${m} (${((Date.now() - started) / 1000).toFixed(0)} s)\n`)
  }
  await sql`
    insert into telemetry_hourly (tenant_id, plc_id, metric, hour, count, sum, min, max, first_ts, first, last_ts, last)
    select tenant_id, plc_id, metric, date_trunc('hour', ts), count(*), sum(value_num), min(value_num), max(value_num),
           min(ts), (array_agg(value_num order by ts))[1], max(ts), (array_agg(value_num order by ts desc))[1]
    from telemetry_events where plc_id = ${c!.id} group by 1, 2, 3, 4`
  await sql`
    insert into telemetry_minutely (tenant_id, plc_id, metric, minute, count, sum, min, max)
    select tenant_id, plc_id, metric, date_trunc('minute', ts), count(*), sum(value_num), min(value_num), max(value_num)
    from telemetry_events where plc_id = ${c!.id} group by 1, 2, 3, 4`
  await sql`analyze telemetry_events`
  await sql`analyze telemetry_minutely`
  await sql`analyze telemetry_hourly`
  const [{ n }] = await sql`select count(*)::int as n from telemetry_events where plc_id = ${c!.id}` as unknown as [{ n: number }]
  process.stdout.write(`loaded ${n.toLocaleString()} rows in ${((Date.now() - started) / 1000).toFixed(0)} s\n`)
  return n
}
