import { parseTopic } from './topic'

/** Buckets kept at most; past it, buckets that have refilled (idle sources) are forgotten. */
const MAX_BUCKETS = 50_000

interface Bucket { tokens: number, at: number }

/**
 * Per-source token buckets: one gateway flooding the broker cannot take the ingest's capacity from
 * the others. A source is the gateway named by the topic (shapes A and C) or, for shape B, the
 * machine (its topic names no gateway). `ratePerS` tokens a second, up to `burst` saved up — a
 * gateway flushing its disk buffer after an outage is a burst, so the default burst is generous.
 */
export class SourceQuota {
  private buckets = new Map<string, Bucket>()

  constructor(private ratePerS: number, private burst: number) {}

  /** Takes one token for the message's source; false when its bucket is empty (→ dead letter `rate_limited`). */
  take(topic: string, now: number): boolean {
    const key = sourceKey(topic)
    // Topics that are no shape of ours are dead-lettered as invalid_topic anyway; they get no bucket.
    if (key === null) return true
    let b = this.buckets.get(key)
    if (!b) {
      if (this.buckets.size >= MAX_BUCKETS) this.prune(now)
      b = { tokens: this.burst, at: now }
      this.buckets.set(key, b)
    }
    b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) / 1000) * this.ratePerS)
    b.at = now
    if (b.tokens < 1) return false
    b.tokens -= 1
    return true
  }

  get size(): number {
    return this.buckets.size
  }

  // A bucket that would be full again is the same as no bucket: drop those. If a flood of distinct
  // sources keeps every bucket busy, drop the oldest half rather than grow without bound.
  private prune(now: number): void {
    for (const [k, b] of this.buckets) {
      if (b.tokens + ((now - b.at) / 1000) * this.ratePerS >= this.burst) this.buckets.delete(k)
    }
    if (this.buckets.size < MAX_BUCKETS) return
    let n = 0
    for (const k of this.buckets.keys()) {
      if (n++ >= MAX_BUCKETS / 2) break
      this.buckets.delete(k)
    }
  }
}

/** The source a message is accounted to, from its topic alone (cheap: no payload parsing). */
export function sourceKey(topic: string): string | null {
  const p = parseTopic(topic)
  if (!p.ok) return null
  const t = p.topic
  return t.shape === 'B' ? `${t.tenant}/${t.province}/${t.plant}/machine/${t.machine}` : `${t.tenant}/${t.province}/${t.plant}/gateway/${t.gatewayId}`
}
