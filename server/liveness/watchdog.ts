import type { SqlClient } from '../db/client'

export interface OfflineTransition {
  tenant: string
  site: string
  gatewayId: string
  tenantId: string
  plantId: string
  gatewayRowId: string
  at: number
}

// One statement: mark every online gateway whose last heartbeat is too old as offline, record the
// transition, and return what changed for the bus.
const MARK_STALE_OFFLINE = `
with stale as (
  update gateways g set status = 'offline', status_reason = 'heartbeat_timeout', status_changed_at = to_timestamp($2 / 1000.0)
  where g.status = 'online' and g.last_heartbeat_at < to_timestamp($1 / 1000.0)
  returning g.id, g.tenant_id, g.plant_id, g.thing_name
), history as (
  insert into gateway_status_history (tenant_id, gateway_id, status, reason, at)
  select tenant_id, id, 'offline', 'heartbeat_timeout', to_timestamp($2 / 1000.0) from stale
)
select t.slug as tenant, p.slug as site, s.thing_name as "gatewayId", s.tenant_id as "tenantId", s.plant_id as "plantId", s.id as "gatewayRowId"
from stale s join tenants t on t.id = s.tenant_id join plants p on p.id = s.plant_id`

/** Marks gateways offline that sent no heartbeat for `offlineAfterMs` (SPEC §3 gateway liveness). */
export async function markStaleGatewaysOffline(sql: SqlClient, now: number, offlineAfterMs: number): Promise<OfflineTransition[]> {
  const rows = await sql.query<Omit<OfflineTransition, 'at'>>(MARK_STALE_OFFLINE, [now - offlineAfterMs, now])
  return rows.map(r => ({ ...r, at: now }))
}
