import type { Scalar } from '../ingest/messages'
import { isTelemetry, type LiveEvent, type LiveTelemetry } from './live-event'

/** The latest queued value of each metric of one PLC. */
interface PlcEntry {
  kind: 'plc'
  /** Its first queued event: tenant, site and PLC id rebuild the messages. */
  event: LiveTelemetry
  values: Map<string, Scalar>
  times: Map<string, number>
  quality: Map<string, string>
}

interface TextEntry {
  kind: 'text'
  text: string
}

/**
 * What a congested connection has not been sent yet. Telemetry is kept as the latest value per
 * (PLC, metric), so a client that cannot keep up gets fewer, newer values instead of a growing
 * backlog; every other event (gateway status, alarms) is kept whole and in order. This runs for
 * every event while a client is behind, so it allocates nothing per value.
 */
export class Outbox {
  /** In order of first arrival: PLCs under `p…` keys, other events under `e…` keys. */
  private entries = new Map<string, PlcEntry | TextEntry>()
  private nextText = 0
  private count = 0

  /** Queued values and events. */
  get size(): number {
    return this.count
  }

  /**
   * Queues an event (`text` is its JSON). `plc` identifies its PLC across tenants and plants.
   * Returns how many values were coalesced away: queued ones it replaced, or its own older ones.
   */
  push(event: LiveEvent, text: string, plc: string): number {
    if (!isTelemetry(event)) {
      this.entries.set(`e${this.nextText++}`, { kind: 'text', text })
      this.count++
      return 0
    }
    const entry = this.plcEntry(`p${plc}`, event)
    let coalesced = 0
    for (const metric in event.values) {
      const queuedTs = entry.times.get(metric)
      if (queuedTs === undefined) this.count++
      else coalesced++
      // Last write wins by timestamp, as in plc_state: a late, older value never replaces a newer one.
      if (queuedTs !== undefined && queuedTs > event.ts) continue
      entry.values.set(metric, event.values[metric]!)
      entry.times.set(metric, event.ts)
      const quality = event.quality?.[metric]
      if (quality) entry.quality.set(metric, quality)
      else entry.quality.delete(metric)
    }
    return coalesced
  }

  /** Everything queued as message texts, in order of first arrival; empties the outbox. */
  drain(): string[] {
    const out: string[] = []
    for (const entry of this.entries.values()) {
      if (entry.kind === 'text') out.push(entry.text)
      else out.push(...messagesOf(entry).map(m => JSON.stringify(m)))
    }
    this.clear()
    return out
  }

  /** Discards everything queued; returns how many values and events that was. */
  clear(): number {
    const dropped = this.count
    this.entries.clear()
    this.count = 0
    return dropped
  }

  private plcEntry(key: string, event: LiveTelemetry): PlcEntry {
    let entry = this.entries.get(key) as PlcEntry | undefined
    if (!entry) {
      entry = { kind: 'plc', event, values: new Map(), times: new Map(), quality: new Map() }
      this.entries.set(key, entry)
    }
    return entry
  }
}

/** One telemetry message per timestamp among a PLC's queued values, oldest first. */
function messagesOf(entry: PlcEntry): LiveTelemetry[] {
  const byTs = new Map<number, LiveTelemetry>()
  const { tenant, site, plcId } = entry.event
  for (const [metric, value] of entry.values) {
    const ts = entry.times.get(metric)!
    let message = byTs.get(ts)
    if (!message) byTs.set(ts, (message = { type: 'telemetry', tenant, site, plcId, ts, values: {} }))
    message.values[metric] = value
    const quality = entry.quality.get(metric)
    if (quality) message.quality = { ...message.quality, [metric]: quality }
  }
  return [...byTs.values()].sort((a, b) => a.ts - b.ts)
}
