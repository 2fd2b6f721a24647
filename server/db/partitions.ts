import type { SqlClient } from './client'

/** Creates the daily telemetry partitions from yesterday to a week ahead; returns how many were new. */
export async function ensureTelemetryPartitions(sql: SqlClient, daysBack = 1, daysAhead = 7): Promise<number> {
  const rows = await sql.query<{ created: number }>('select ensure_telemetry_partitions($1, $2) as created', [daysBack, daysAhead])
  return rows[0]?.created ?? 0
}
