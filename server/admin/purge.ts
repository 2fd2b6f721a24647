import { getTableName } from 'drizzle-orm'
import type { SqlClient } from '../db/client'
import { hourlyKeys, telemetryEvents, telemetryHourly, telemetryMinutely } from '../db/schema'

/**
 * The tables keyed by `plc_id` without a foreign key: they are partitioned or bulk-loaded with COPY,
 * so deleting a PLC, plant or tenant does not cascade to them.
 */
const TELEMETRY_TABLES = [telemetryEvents, telemetryHourly, telemetryMinutely, hourlyKeys].map(t => getTableName(t))

/**
 * Deletes the stored values of the PLCs `plcIds` (a subquery) selects. Run inside the transaction
 * that deletes their owner, before it.
 */
export async function purgeTelemetry(tx: SqlClient, plcIds: string, params: unknown[]): Promise<void> {
  for (const table of TELEMETRY_TABLES) await tx.query(`delete from ${table} where plc_id in (${plcIds})`, params)
}
