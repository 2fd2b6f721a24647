import { describe, expect, it } from 'vitest'
import { soakVerdict, type Sample } from '../../scripts/soak/sample'

const sample = (seconds: number, rssMb: number, lagMaxMs = 20): Sample =>
  ({ at: seconds * 1000, rssMb, lagP99Ms: lagMaxMs / 2, lagMaxMs, storedPerS: 1000, pending: 10, wsEventsPerS: 2900, wsOpen: 200 })

// Ten minutes of samples every 10 s.
const run = (rss: (minute: number) => number, lag: (i: number) => number = () => 20) =>
  Array.from({ length: 60 }, (_, i) => sample((i + 1) * 10, rss((i + 1) / 6), lag(i)))

describe('soak verdict', () => {
  it('passes a flat RSS with GC noise and no spikes', () => {
    const v = soakVerdict(run(m => 200 + (Math.round(m * 6) % 3) * 25))
    expect(Math.abs(v.rssSlopeMbPerMin)).toBeLessThan(1)
    expect(v.ok).toBe(true)
  })

  it('ignores the warm-up climb of the first minute', () => {
    expect(soakVerdict(run(m => (m <= 1 ? 120 + 80 * m : 200))).ok).toBe(true)
  })

  it('calls steady growth of 2 % a minute a leak', () => {
    const v = soakVerdict(run(m => 200 * (1 + 0.02 * m)))
    expect(v.rssGrowthPerMin).toBeGreaterThan(0.015)
    expect(v.ok).toBe(false)
  })

  it('fails on one event-loop delay over 100 ms, naming it', () => {
    const v = soakVerdict(run(() => 200, i => (i === 30 ? 140 : 20)))
    expect(v.lagSpikes.map(s => s.at)).toEqual([310_000])
    expect(v.ok).toBe(false)
  })
})
