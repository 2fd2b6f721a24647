/** The limits of a threshold rule (seed 003 rule 1: tolerance = max(absolute, fraction × |limit|)). */
export interface ThresholdLimits {
  min: number | null
  max: number | null
  /** How far back inside the effective limit a value must come before the alarm clears. */
  deadband: number
  toleranceAbs: number
  toleranceFrac: number
}

export type Breach = 'high' | 'low'

const tolerance = (limit: number, l: ThresholdLimits) => Math.max(l.toleranceAbs, l.toleranceFrac * Math.abs(limit))

/** The limits a value is compared with, tolerance included. */
export function effectiveLimits(l: ThresholdLimits): { low: number | null, high: number | null } {
  return {
    low: l.min === null ? null : l.min - tolerance(l.min, l),
    high: l.max === null ? null : l.max + tolerance(l.max, l)
  }
}

/**
 * Whether `value` is out of limits. While an alarm is open (`open`), the deadband applies: the value
 * must come back inside the limit by the deadband to count as normal again, so a value hovering on
 * the limit does not raise and clear on every sample.
 */
export function thresholdBreach(l: ThresholdLimits, value: number, open: boolean): Breach | null {
  // Called for every value a rule watches: no allocation here.
  const band = open ? l.deadband : 0
  if (l.max !== null && value > l.max + tolerance(l.max, l) - band) return 'high'
  if (l.min !== null && value < l.min - tolerance(l.min, l) + band) return 'low'
  return null
}
