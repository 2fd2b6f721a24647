import type { LiveMessage } from './useLiveStream'
import type { Gateway, Plc } from '~/stores/plants'

type Scalar = number | boolean | string

/** A widget as GET /api/plcs/:site/:plcId/dashboard returns it (seed 000 field names). */
export interface Widget {
  id: string
  widget_key: string
  type: string
  label: string
  metric_id: string
  unit: string | null
  data_type: string | null
  position: number
  options: Record<string, unknown> | null
}

export interface Dashboard { id: string, tenant: string, site: string, plcId: string, name: string, iconUrl: string | null, widgets: Widget[] }

export interface MetricState { value: Scalar, ts: number, quality: string | null, unit: string | null }

/** [epoch ms, value]: what ECharts' time axis takes. */
export type Point = [number, number]

export const RANGES = { '15m': 15 * 60_000, '1h': 3_600_000, '6h': 6 * 3_600_000, '24h': 24 * 3_600_000, '7d': 7 * 24 * 3_600_000 } as const
export type RangeKey = keyof typeof RANGES

/** Widgets that draw a series over the time range (the others show the latest value). */
const SERIES_TYPES = new Set(['line', 'area', 'bar', 'table', 'kpi'])
/** Live points kept per series at most, whatever the range: a page left open for days stays light. */
const MAX_POINTS = 5000

interface StateJson { ts: number | null, metrics: Record<string, { value: Scalar, ts: number, quality: string | null, unit: string | null }> }
interface HistoryRow { ts: number, metric: string, value?: Scalar | null, avg?: number | null }
interface HistoryJson { bucket: string, items: HistoryRow[] }

const isNotFound = (err: unknown) => (err as { statusCode?: number }).statusCode === 404

/**
 * One PLC's dashboard: the PLC, its widgets, the latest value per metric, the history of the
 * charted metrics over a time range (downsampled by the server, `bucket=auto`), and live values
 * from the WebSocket appended once per animation frame, however many arrive in between.
 */
export function usePlcDashboard(site: string, plcId: string) {
  const api = useApi()
  const plc = ref<Plc | null>(null)
  const gateway = ref<Gateway | null>(null)
  const dashboard = ref<Dashboard | null>(null)
  const status = ref<'loading' | 'ready' | 'error'>('loading')
  const error = ref<string | null>(null)
  const notFound = ref(false)
  const values = reactive<Record<string, MetricState>>({})
  const range = ref<RangeKey>('1h')
  const history = shallowRef<Record<string, Point[]>>({})
  const historyStatus = ref<'loading' | 'ready' | 'error'>('loading')

  /** Series the page charts besides its widgets' (the builder's preview of a widget not saved yet). */
  const extraMetrics = ref<string[]>([])
  const seriesMetrics = computed(() => [...new Set([
    ...(dashboard.value?.widgets ?? []).filter(w => SERIES_TYPES.has(w.type)).map(w => w.metric_id),
    ...extraMetrics.value
  ])])

  async function load(): Promise<void> {
    status.value = 'loading'
    try {
      const path = `/api/plcs/${encodeURIComponent(site)}/${encodeURIComponent(plcId)}`
      const [p, d, s, g] = await Promise.all([
        api<Plc>(path),
        api<Dashboard>(`${path}/dashboard`).catch((err) => {
          if (isNotFound(err)) return null
          throw err
        }),
        api<StateJson>(`${path}/state`),
        api<{ items: Gateway[] }>('/api/gateways', { query: { site, limit: 500 } })
      ])
      plc.value = p
      dashboard.value = d
      gateway.value = g.items.find(x => x.gatewayId === p.gatewayId) ?? null
      for (const [metric, m] of Object.entries(s.metrics)) mergeValue(metric, m)
      status.value = 'ready'
      void loadHistory()
    } catch (err) {
      notFound.value = isNotFound(err)
      error.value = apiErrorMessage(err)
      status.value = 'error'
    }
  }

  const requested = new Set<string>()
  /** The history of the charted metrics over the range; `only`: just these, merged into what is loaded. */
  async function loadHistory(only?: string[]): Promise<void> {
    const metrics = only ?? seriesMetrics.value
    for (const m of metrics) requested.add(m)
    if (!metrics.length) {
      historyStatus.value = 'ready'
      return
    }
    historyStatus.value = 'loading'
    const to = Date.now()
    try {
      const page = await api<HistoryJson>(`/api/telemetry/${encodeURIComponent(site)}/${encodeURIComponent(plcId)}`, {
        query: { from: to - RANGES[range.value], to, bucket: 'auto', metric: metrics, limit: 10_000 }
      })
      const next: Record<string, Point[]> = Object.fromEntries(metrics.map(m => [m, []]))
      for (const row of page.items) {
        const v = row.avg ?? row.value
        if (typeof v === 'number') next[row.metric]?.push([row.ts, v])
      }
      history.value = only ? { ...history.value, ...next } : next
      historyStatus.value = 'ready'
    } catch {
      historyStatus.value = 'error'
    }
  }

  function mergeValue(metric: string, m: MetricState): void {
    // A late, older value never replaces a newer one.
    if ((values[metric]?.ts ?? -Infinity) > m.ts) return
    values[metric] = { ...m, unit: m.unit ?? values[metric]?.unit ?? null }
  }

  let queue: { ts: number, values: Record<string, Scalar>, quality?: Record<string, string> }[] = []
  let frame = 0

  function flush(): void {
    frame = 0
    const events = queue
    queue = []
    // New arrays for the series that changed, so each chart sees its own prop change.
    const changed: Record<string, Point[]> = {}
    for (const e of events) {
      for (const [metric, value] of Object.entries(e.values)) {
        mergeValue(metric, { value, ts: e.ts, quality: e.quality?.[metric] ?? null, unit: null })
        if (typeof value !== 'number' || !history.value[metric]) continue
        const points = changed[metric] ??= [...history.value[metric]]
        // Appending in time order only: a buffered, older value belongs to history, not the live edge.
        if (points.length && points[points.length - 1]![0] >= e.ts) continue
        points.push([e.ts, value])
      }
    }
    if (!Object.keys(changed).length) return
    const cutoff = Date.now() - RANGES[range.value]
    for (const points of Object.values(changed)) {
      const drop = points.findIndex(p => p[0] >= cutoff)
      points.splice(0, Math.max(drop < 0 ? points.length : drop, points.length - MAX_POINTS))
    }
    history.value = { ...history.value, ...changed }
  }

  function onMessage(m: LiveMessage): void {
    if (m.type === 'gateway_status' && gateway.value && m.gatewayId === gateway.value.gatewayId && m.site === site) {
      gateway.value = { ...gateway.value, status: m.status as Gateway['status'], statusReason: (m.reason as string | null) ?? null }
    }
    if (m.type !== 'telemetry' || m.site !== site || m.plcId !== plcId) return
    queue.push(m as unknown as (typeof queue)[number])
    frame ||= requestAnimationFrame(flush)
  }

  const live = useLive({ filters: [{ site, plcId }], onMessage })
  onBeforeUnmount(() => cancelAnimationFrame(frame))
  watch(range, () => void loadHistory())
  // A widget added (or previewed) on a metric not charted yet: load just its history.
  watch(seriesMetrics, (metrics) => {
    const missing = metrics.filter(m => !requested.has(m))
    if (status.value === 'ready' && missing.length) void loadHistory(missing)
  })
  void load()

  return { plc, gateway, dashboard, status, error, notFound, values, range, history, historyStatus, extraMetrics, live, load }
}
