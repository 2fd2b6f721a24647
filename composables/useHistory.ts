import { RANGES, type Point, type RangeKey } from './usePlcDashboard'

export type HistoryRange = RangeKey | 'custom'

/** One metric's stats as GET …/stats returns them. */
export interface MetricStats {
  metric: string
  count: number
  min: number | null
  max: number | null
  avg: number | null
  first: number | null
  last: number | null
  firstTs: number | null
  lastTs: number | null
}

interface StateJson { metrics: Record<string, { value: unknown }> }
interface HistoryRow { ts: number, metric: string, value?: unknown, avg?: number | null }
interface HistoryPage { items: HistoryRow[], nextCursor: string | null }

/** A chart needs at most a few pages: `auto` keeps ≤ ~1,000 buckets per series. */
const MAX_PAGES = 20
/** Firebase ID tokens last an hour; the download link gets a fresh one well before that. */
const TOKEN_REFRESH_MS = 4 * 60_000

/**
 * A PLC's history view: its metrics (from the latest state), the chosen ones over a preset or custom
 * range as downsampled series (`bucket=auto`), their stats, and a CSV download link carrying the
 * ID token (a plain link cannot send the Authorization header).
 */
export function useHistory(site: string, plcId: string) {
  const api = useApi()
  const { token } = useSession()
  const base = `/api/telemetry/${encodeURIComponent(site)}/${encodeURIComponent(plcId)}`
  const metrics = ref<string[]>([])
  const selected = ref<string[]>([])
  const range = ref<HistoryRange>('24h')
  const custom = ref<Date[] | null>(null)
  const span = ref({ from: Date.now() - RANGES['24h'], to: Date.now() })
  const series = shallowRef<Record<string, Point[]>>({})
  const stats = ref<MetricStats[]>([])
  const status = ref<'loading' | 'ready' | 'error'>('loading')
  const error = ref<string | null>(null)
  const notFound = ref(false)
  const csvHref = ref<string | null>(null)

  async function loadMetrics(): Promise<void> {
    const state = await api<StateJson>(`/api/plcs/${encodeURIComponent(site)}/${encodeURIComponent(plcId)}/state`)
    metrics.value = Object.keys(state.metrics).sort()
    // Numbers chart best: start with up to three numeric metrics.
    selected.value = metrics.value.filter(m => typeof state.metrics[m]?.value === 'number').slice(0, 3)
  }

  function currentSpan(): { from: number, to: number } | null {
    if (range.value !== 'custom') {
      const to = Date.now()
      return { from: to - RANGES[range.value], to }
    }
    const [from, to] = custom.value ?? []
    return from && to ? { from: from.getTime(), to: to.getTime() } : null
  }

  async function loadSeries(metricList: string[]): Promise<Record<string, Point[]>> {
    const out: Record<string, Point[]> = Object.fromEntries(metricList.map(m => [m, []]))
    let cursor: string | undefined
    for (let i = 0; i < MAX_PAGES; i++) {
      const page = await api<HistoryPage>(base, { query: { ...span.value, bucket: 'auto', metric: metricList, limit: 10_000, cursor } })
      for (const row of page.items) {
        const v = row.avg ?? row.value
        const n = typeof v === 'boolean' ? Number(v) : v
        if (typeof n === 'number') out[row.metric]?.push([row.ts, n])
      }
      if (!page.nextCursor) break
      cursor = page.nextCursor
    }
    return out
  }

  async function refreshCsvHref(): Promise<void> {
    const t = await token()
    const query = new URLSearchParams({ from: String(span.value.from), to: String(span.value.to), metric: selected.value.join(',') })
    if (t) query.set('token', t)
    csvHref.value = selected.value.length ? `${base}/export.csv?${query}` : null
  }

  async function load(): Promise<void> {
    const next = currentSpan()
    if (!next) return
    span.value = next
    status.value = 'loading'
    try {
      if (!metrics.value.length) await loadMetrics()
      const list = selected.value
      const [s, st] = await Promise.all([
        list.length ? loadSeries(list) : {},
        list.length ? api<{ items: MetricStats[] }>(`${base}/stats`, { query: { ...span.value, metric: list.join(',') } }) : { items: [] }
      ])
      series.value = s
      stats.value = st.items
      await refreshCsvHref()
      status.value = 'ready'
    } catch (err) {
      notFound.value = (err as { statusCode?: number }).statusCode === 404
      error.value = apiErrorMessage(err)
      status.value = 'error'
    }
  }

  const timer = setInterval(() => void refreshCsvHref(), TOKEN_REFRESH_MS)
  onBeforeUnmount(() => clearInterval(timer))
  watch([selected, range, custom], () => void load())
  void load()

  return { metrics, selected, range, custom, span, series, stats, status, error, notFound, csvHref, load }
}
