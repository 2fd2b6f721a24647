import type { MetricValue } from '~/components/plant/PlantPlcCard.vue'
import type { Gateway, Plc } from '~/stores/plants'

const key = (tenant: string, site: string, id: string) => `${tenant}/${site}/${id}`

/**
 * The overview's data: the stored gateways, PLCs and latest values, loaded once, with the live
 * stream (every plant the user sees) laid over them: newer values and gateway transitions win.
 */
export function usePlantOverview() {
  const access = useAccessStore()
  const store = usePlantsStore()
  const live = useLive()
  const load = () => store.load(access.can('machine:manage'))
  void load()

  const stored = computed(() => {
    const byPlc = new Map<string, Map<string, MetricValue>>()
    for (const l of store.latest) {
      const k = key(l.tenant, l.site, l.plcId)
      if (!byPlc.has(k)) byPlc.set(k, new Map())
      byPlc.get(k)!.set(l.metric, { metric: l.metric, value: l.value, ts: l.ts, unit: l.unit })
    }
    return byPlc
  })

  /** Newest value per metric of a PLC, stored or live, sorted by metric name. */
  function valuesOf(plc: Plc): MetricValue[] {
    const k = key(plc.tenant, plc.site, plc.plcId)
    const merged = new Map(stored.value.get(k))
    for (const [metric, m] of Object.entries(live.plcs[k]?.metrics ?? {})) {
      const old = merged.get(metric)
      if (!old || old.ts <= m.ts) merged.set(metric, { metric, value: m.value, ts: m.ts, unit: old?.unit ?? null })
    }
    return [...merged.values()].sort((a, b) => a.metric.localeCompare(b.metric))
  }

  /** The gateway with its live status, if a transition arrived after it was loaded. */
  function gatewayNow(g: Gateway): Gateway {
    const t = live.gateways[key(g.tenant, g.site, g.gatewayId)]
    return t ? { ...g, status: t.status, statusReason: t.reason } : g
  }

  /** Last heard of: its stored last-seen time, a live transition, or live values from its PLCs. */
  function lastSeenOf(g: Gateway): number | null {
    const times = [g.lastSeenAt ?? 0, live.gateways[key(g.tenant, g.site, g.gatewayId)]?.at ?? 0]
    for (const plc of store.plcs) {
      if (plc.site === g.site && plc.tenant === g.tenant && plc.gatewayId === g.gatewayId) times.push(live.plcs[key(plc.tenant, plc.site, plc.plcId)]?.ts ?? 0)
    }
    return Math.max(...times) || null
  }

  const sites = computed(() => (access.access?.sites ?? []).map(s => ({
    ...s,
    gateways: store.gateways.filter(g => g.site === s.site && g.tenant === s.tenant).map(gatewayNow),
    plcs: store.plcs.filter(p => p.site === s.site && p.tenant === s.tenant && p.status !== 'rejected')
  })))

  return { store, live, sites, load, valuesOf, lastSeenOf }
}
