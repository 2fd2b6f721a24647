/** How one condition (rule × PLC × metric, or a gateway's health item) is debounced. */
export interface DebouncePolicy {
  /** The condition must hold this long (by sample time) before the alarm is raised. */
  minDurationMs: number
  /** After a clear, the alarm is not raised again before this long has passed. */
  cooldownMs: number
}

export type TrackerDecision = 'raise' | 'clear' | null

interface State {
  open: boolean
  /** Sample time the condition started to hold, while it holds and no alarm is open. */
  since: number | null
  lastTs: number
  clearedAt: number | null
}

/**
 * The debouncing state machine of every condition, keyed by condition key. Decisions follow sample
 * time, not arrival: a late sample (older than one already seen for the key) is history and is not
 * evaluated, so out-of-order data raises no false alarm. An open alarm is never raised twice, so an
 * acknowledged alarm stays acknowledged while its condition persists.
 */
export class ConditionTracker {
  private states = new Map<string, State>()

  /** True when the key has an open alarm (as far as this instance knows). */
  isOpen(key: string): boolean {
    return this.states.get(key)?.open ?? false
  }

  /** Feeds one sample: `active` says whether the condition holds at `ts`. */
  observe(key: string, ts: number, active: boolean, policy: DebouncePolicy): TrackerDecision {
    let s = this.states.get(key)
    // Normal samples are remembered too: their time is what tells a later, older sample is late.
    if (!s) this.states.set(key, s = { open: false, since: null, lastTs: -Infinity, clearedAt: null })
    if (ts < s.lastTs) return null
    s.lastTs = ts
    if (s.open) {
      if (active) return null
      s.open = false
      s.since = null
      s.clearedAt = ts
      return 'clear'
    }
    if (!active) {
      s.since = null
      return null
    }
    s.since ??= ts
    if (ts - s.since < policy.minDurationMs) return null
    if (s.clearedAt !== null && ts - s.clearedAt < policy.cooldownMs) return null
    s.open = true
    s.since = null
    return 'raise'
  }

  /** Records what the database (or another instance) says: an alarm for the key was raised or cleared. */
  learn(key: string, open: boolean, at: number): void {
    const s = this.states.get(key) ?? { open, since: null, lastTs: -Infinity, clearedAt: null }
    s.open = open
    s.since = null
    if (!open) s.clearedAt = Math.max(s.clearedAt ?? -Infinity, at)
    this.states.set(key, s)
  }

  /** Forgets keys (a rule was deleted or changed): their next sample starts afresh. */
  forget(match: (key: string) => boolean): void {
    for (const key of this.states.keys()) if (match(key)) this.states.delete(key)
  }
}
