import { readFileSync } from 'node:fs'

export interface Sample {
  at: number
  rssMb: number
  lagP99Ms: number
  lagMaxMs: number
  storedPerS: number
  pending: number
  wsEventsPerS: number
  wsOpen: number
}

/** Resident memory of a process from /proc, in MB. */
export function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return m ? Number(m[1]) / 1024 : 0
}

/**
 * The server's event-loop delay from its own /metrics (prom-client's histogram, which it resets at
 * every scrape: so each figure covers the interval since the previous sample), and pending messages.
 */
export async function serverMetrics(url: string): Promise<{ lagP99Ms: number, lagMaxMs: number, pending: number }> {
  const text = await (await fetch(`${url}/metrics?format=prometheus`)).text()
  const value = (name: string) => Number(new RegExp(`^${name} ([0-9.eE+-]+)$`, 'm').exec(text)?.[1] ?? Number.NaN)
  return { lagP99Ms: value('nodejs_eventloop_lag_p99_seconds') * 1000, lagMaxMs: value('nodejs_eventloop_lag_max_seconds') * 1000, pending: value('ingest_pending_messages') }
}

export function formatSamples(samples: Sample[]): string {
  const header = ['t', 'RSS MB', 'loop lag p99 ms', 'max ms', 'stored msg/s', 'pending', 'WS events/s', 'WS open']
  const rows = samples.map(s => [`${Math.round(s.at / 1000)} s`, s.rssMb.toFixed(0), s.lagP99Ms.toFixed(1), s.lagMaxMs.toFixed(1), s.storedPerS.toFixed(0), String(s.pending), s.wsEventsPerS.toFixed(0), String(s.wsOpen)])
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map(r => r[i]!.length)))
  const fmt = (r: string[]) => `| ${r.map((c, i) => c.padStart(widths[i]!)).join(' | ')} |`
  return [fmt(header), `|${widths.map(w => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(fmt)].join('\n')
}

export interface SoakVerdict {
  /** Least-squares RSS slope after the warm-up, in MB per minute, and as a share of the mean RSS. */
  rssSlopeMbPerMin: number
  rssGrowthPerMin: number
  /** Samples whose worst event-loop delay was over the limit. */
  lagSpikes: Sample[]
  ok: boolean
}

const WARM_UP_MS = 60_000
/** A leak: RSS growing by more than 1 % of itself per minute (10 % over the 10-minute soak). */
const MAX_GROWTH_PER_MIN = 0.01
const MAX_LAG_MS = 100

/** The soak's pass criteria (issue: no growth trend, no lag spike over 100 ms). */
export function soakVerdict(samples: Sample[]): SoakVerdict {
  const steady = samples.filter(s => s.at > WARM_UP_MS)
  const points = steady.length >= 3 ? steady : samples
  const n = points.length
  const meanT = points.reduce((a, s) => a + s.at, 0) / n
  const meanRss = points.reduce((a, s) => a + s.rssMb, 0) / n
  const cov = points.reduce((a, s) => a + (s.at - meanT) * (s.rssMb - meanRss), 0)
  const varT = points.reduce((a, s) => a + (s.at - meanT) ** 2, 0)
  const rssSlopeMbPerMin = varT > 0 ? cov / varT * 60_000 : 0
  const rssGrowthPerMin = meanRss > 0 ? rssSlopeMbPerMin / meanRss : 0
  const lagSpikes = samples.filter(s => s.lagMaxMs > MAX_LAG_MS)
  return { rssSlopeMbPerMin, rssGrowthPerMin, lagSpikes, ok: rssGrowthPerMin <= MAX_GROWTH_PER_MIN && lagSpikes.length === 0 }
}
