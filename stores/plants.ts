import { defineStore } from 'pinia'

export interface GatewayHealth {
  internet?: string
  mqtt?: string
  plcLink?: string
  bufferMode?: string
  queuedMessages?: number
  version?: string
  uptimeSec?: number
}

/** A row of GET /api/gateways. */
export interface Gateway {
  gatewayId: string
  name: string | null
  site: string
  tenant: string
  status: 'online' | 'offline' | 'unknown'
  statusReason: string | null
  lastSeenAt: number | null
  health: GatewayHealth | null
}

/** A row of GET /api/plcs. */
export interface Plc { plcId: string, name: string | null, status: string, site: string, tenant: string, gatewayId: string | null }

/** A row of GET /api/telemetry/latest. */
export interface LatestValue { tenant: string, site: string, plcId: string, metric: string, value: number | boolean | string, ts: number, unit: string | null }

interface Page<T> { items: T[], nextCursor: string | null }

/** Page sizes at the server's maximum (admin lists 500, latest values 1,000); an overview stays under them. */
const GATEWAY_LIMIT = 500
const LATEST_LIMIT = 1000

/** Gateways, PLCs and their latest stored values for the plants the user sees (the overview's data). */
export const usePlantsStore = defineStore('plants', () => {
  const gateways = ref<Gateway[]>([])
  const plcs = ref<Plc[]>([])
  const latest = ref<LatestValue[]>([])
  const pending = ref<{ count: number, more: boolean } | null>(null)
  const status = ref<'idle' | 'loading' | 'ready' | 'error'>('idle')
  const error = ref<string | null>(null)

  async function load(withPending: boolean): Promise<void> {
    const api = useApi()
    status.value = 'loading'
    try {
      const [g, p, l, m] = await Promise.all([
        api<Page<Gateway>>('/api/gateways', { query: { limit: GATEWAY_LIMIT } }),
        api<Plc[]>('/api/plcs'),
        api<LatestValue[]>('/api/telemetry/latest', { query: { limit: LATEST_LIMIT } }),
        withPending ? api<Page<Plc>>('/api/machines', { query: { status: 'pending', limit: 100 } }) : undefined
      ])
      gateways.value = g.items
      plcs.value = p
      latest.value = l
      pending.value = m ? { count: m.items.length, more: m.nextCursor !== null } : null
      status.value = 'ready'
    } catch (err) {
      error.value = apiErrorMessage(err)
      status.value = 'error'
    }
  }

  function reset(): void {
    gateways.value = []
    plcs.value = []
    latest.value = []
    pending.value = null
    status.value = 'idle'
    error.value = null
  }

  return { gateways, plcs, latest, pending, status, error, load, reset }
})
