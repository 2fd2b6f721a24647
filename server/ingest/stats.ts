import type { DeadLetterReason } from './messages'

const LAG_SAMPLES = 8192

/** Counters of the ingest path, read by /metrics. Plain numbers: cheap on the hot path. */
export class IngestStats {
  received = 0
  processed = 0
  failed = 0
  batches = 0
  valuesStored = 0
  retries = 0
  /** Messages over their source's quota, dead-lettered as rate_limited. */
  rateLimited = 0
  lastMessageAt: number | null = null
  lastBatchSize = 0
  readonly deadLetters = new Map<DeadLetterReason, number>()
  readonly perTenant = new Map<string, number>()
  readonly batchSizes: number[] = []
  private lags = new Float64Array(LAG_SAMPLES)
  private lagCount = 0
  private window: { at: number, processed: number, perTenant: Map<string, number> }[] = []

  deadLettered(reason: DeadLetterReason): void {
    this.failed++
    this.deadLetters.set(reason, (this.deadLetters.get(reason) ?? 0) + 1)
  }

  committed(messages: number, perTenant: Map<string, number>, values: number): void {
    this.batches++
    this.processed += messages
    this.valuesStored += values
    this.lastBatchSize = messages
    if (this.batchSizes.length >= 1024) this.batchSizes.shift()
    this.batchSizes.push(messages)
    for (const [t, n] of perTenant) this.perTenant.set(t, (this.perTenant.get(t) ?? 0) + n)
    this.snapshot(Date.now())
  }

  /** Receive→commit delay of one message, in ms. */
  lag(ms: number): void {
    this.lags[this.lagCount++ % LAG_SAMPLES] = ms
  }

  /** p50/p99 of the last few thousand receive→commit delays. */
  lagPercentiles(): { p50: number | null, p99: number | null } {
    const n = Math.min(this.lagCount, LAG_SAMPLES)
    if (!n) return { p50: null, p99: null }
    const sorted = Array.from(this.lags.subarray(0, n)).sort((a, b) => a - b)
    return { p50: sorted[Math.floor(n * 0.5)]!, p99: sorted[Math.min(n - 1, Math.floor(n * 0.99))]! }
  }

  /** Messages per second over the last ~10 s, in all and per tenant. */
  rates(now: number): { total: number, perTenant: Record<string, number> } {
    this.snapshot(now)
    const first = this.window[0]!
    // Under half a second of history says nothing yet: report 0 rather than a spike.
    const seconds = (now - first.at) / 1000
    const rate = (n: number, before: number) => (seconds < 0.5 ? 0 : (n - before) / seconds)
    const perTenant: Record<string, number> = {}
    for (const [t, n] of this.perTenant) perTenant[t] = rate(n, first.perTenant.get(t) ?? 0)
    return { total: rate(this.processed, first.processed), perTenant }
  }

  // At most one snapshot a second, kept for ~10 s.
  private snapshot(now: number): void {
    const last = this.window[this.window.length - 1]
    if (!last || now - last.at >= 1000) this.window.push({ at: now, processed: this.processed, perTenant: new Map(this.perTenant) })
    while (this.window.length > 1 && now - this.window[0]!.at > 11_000) this.window.shift()
  }
}
