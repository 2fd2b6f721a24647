import type { Database } from '../db/client'

/**
 * The metrics a read covers: the ones asked for, else every metric the PLC ever sent (plc_state has a
 * row for each, whatever its persistence mode), sorted by name.
 */
export async function plcMetrics(db: Database, plc: { id: string, tenantId: string }, asked?: string[]): Promise<string[]> {
  if (asked) return [...asked].sort()
  const rows = await db.sql.query<{ metric: string }>(
    'select metric from plc_state where tenant_id = $1 and plc_id = $2 order by metric', [plc.tenantId, plc.id])
  return rows.map(r => r.metric)
}
