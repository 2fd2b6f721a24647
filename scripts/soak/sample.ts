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
