import type { GatewayHealth } from '~/stores/plants'
import type { LiveMessage } from './useLiveStream'

/** A row of GET /api/gateways (the admin list's shape). Times in epoch ms. */
export interface GatewayRow {
  gatewayId: string
  name: string | null
  site: string
  tenant: string
  approval: 'pending' | 'active' | 'rejected'
  status: 'online' | 'offline' | 'unknown'
  statusReason: string | null
  statusChangedAt: number | null
  lastSeenAt: number | null
  lastHeartbeatAt: number | null
  health: GatewayHealth | null
  machines: number
  createdAt: number
}

export interface GatewayFilter { site: string | null, status: GatewayRow['status'] | null }

/** A health field that changed between two heartbeats, as seen on the live stream. */
export interface HealthChange { tenant: string, site: string, gatewayId: string, at: number, field: keyof GatewayHealth, from: unknown, to: unknown }

// Server pages (keyset cursor) of this many: only one page is in the table, so thousands of gateways
// stay responsive. A DataTable row of this page costs a dozen components; 100 took seconds to turn on a busy tablet.
const PAGE = 50
const HEALTH_FIELDS = ['internet', 'mqtt', 'plcLink', 'bufferMode', 'queuedMessages', 'version'] as const
const key = (tenant: string, site: string, gatewayId: string) => `${tenant}/${site}/${gatewayId}`

/**
 * The tenant's gateways, filtered and paged by the server (one page at a time), kept current by the live stream (/ws):
 * status transitions and heartbeats (health, last seen) update the rows in place, no polling.
 */
export function useGateways(filter: Ref<GatewayFilter>) {
  const api = useApi()
  const healthChanges = ref<HealthChange[]>([])
  let index = new Map<string, number>()
  const filters = () => ({
    ...(filter.value.site ? { site: filter.value.site } : {}),
    ...(filter.value.status ? { status: filter.value.status } : {})
  })
  const list = usePagedList<GatewayRow>('/api/gateways', filters, PAGE, () => {
    index = new Map(rows.value.map((g, i) => [key(g.tenant, g.site, g.gatewayId), i]))
  })
  const rows = list.rows

  function update(tenant: string, site: string, gatewayId: string, change: (g: GatewayRow) => GatewayRow) {
    const i = index.get(key(tenant, site, gatewayId))
    if (i === undefined) return
    const next = change(rows.value[i]!)
    // A row that no longer matches the status filter stays until the next load: rows do not jump away under the pointer.
    rows.value.splice(i, 1, next)
  }

  function onMessage(m: LiveMessage) {
    if (m.type === 'gateway_status') {
      const e = m as unknown as { tenant: string, site: string, gatewayId: string, status: 'online' | 'offline', reason: string | null, at: number }
      update(e.tenant, e.site, e.gatewayId, g => (g.statusChangedAt ?? 0) > e.at ? g : { ...g, status: e.status, statusReason: e.reason, statusChangedAt: e.at, lastSeenAt: Math.max(g.lastSeenAt ?? 0, Date.now()) })
    } else if (m.type === 'gateway_heartbeat') {
      const e = m as unknown as { tenant: string, site: string, gatewayId: string, ts: number, health: GatewayHealth }
      update(e.tenant, e.site, e.gatewayId, (g) => {
        for (const field of HEALTH_FIELDS) {
          const from = g.health?.[field]
          const to = e.health[field]
          if (g.health && to !== undefined && from !== to) healthChanges.value = [{ tenant: e.tenant, site: e.site, gatewayId: e.gatewayId, at: e.ts, field, from: from ?? null, to }, ...healthChanges.value].slice(0, 200)
        }
        return { ...g, health: { ...g.health, ...e.health }, lastSeenAt: Date.now(), lastHeartbeatAt: e.ts }
      })
    }
  }

  /** Renames (null clears the name) and/or approves or rejects a gateway; the row takes the server's answer. */
  async function patch(g: GatewayRow, change: { name?: string | null, approval?: 'active' | 'rejected' }): Promise<GatewayRow> {
    const saved = await api<GatewayRow>(`/api/gateways/${encodeURIComponent(g.gatewayId)}`, { method: 'PATCH', body: change })
    // Status and health may have moved on live meanwhile: keep those, take what the admin changed.
    update(g.tenant, g.site, g.gatewayId, row => ({ ...row, name: saved.name, approval: saved.approval }))
    return saved
  }

  const live = useLive({ onMessage })
  watch(filter, list.load, { deep: true })
  void list.load()
  return { ...list, healthChanges, connected: live.connected, patch }
}
