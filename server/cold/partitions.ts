import type { SqlClient } from '../db/client'

export interface DayPartition {
  table: string
  /** `YYYY-MM-DD`, UTC. */
  day: string
}

/** The daily partitions of telemetry_events (ensure_telemetry_partitions names them `_YYYYMMDD`), oldest first. */
export async function dayPartitions(sql: SqlClient): Promise<DayPartition[]> {
  const rows = await sql.query<{ table: string }>(
    `select c.relname as table from pg_inherits i join pg_class c on c.oid = i.inhrelid
     where i.inhparent = 'telemetry_events'::regclass and c.relname ~ '^telemetry_events_[0-9]{8}$' order by c.relname`)
  return rows.map(({ table }) => {
    const d = table.slice(-8)
    return { table, day: `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}` }
  })
}

/** The UTC day `days` before `now`, as `YYYY-MM-DD`. */
export const utcDay = (now: number, days = 0) => new Date(now - days * 86_400_000).toISOString().slice(0, 10)
