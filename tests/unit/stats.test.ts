import { describe, expect, it } from 'vitest'
import { IngestStats } from '../../server/ingest/stats'

describe('IngestStats', () => {
  it('reports messages per second, in all and per tenant, over the recent window', () => {
    const s = new IngestStats()
    const t0 = Date.now()
    expect(s.rates(t0)).toEqual({ total: 0, perTenant: {} })
    s.committed(10, new Map([['a', 10]]), 100)
    // Tenants already seen are reported, at 0 while there is too little history.
    expect(s.rates(t0 + 100).perTenant).toEqual({ a: 0 })
    s.committed(30, new Map([['a', 10], ['b', 20]]), 300)
    const r = s.rates(t0 + 2000)
    expect(r.total).toBeCloseTo(20, 5)
    expect(r.perTenant).toEqual({ a: 10, b: 10 })
  })

  it('gives lag percentiles of the samples kept', () => {
    const s = new IngestStats()
    expect(s.lagPercentiles()).toEqual({ p50: null, p99: null })
    for (let i = 1; i <= 100; i++) s.lag(i)
    expect(s.lagPercentiles()).toEqual({ p50: 51, p99: 100 })
  })

  it('counts dead letters by reason', () => {
    const s = new IngestStats()
    s.deadLettered('invalid_json')
    s.deadLettered('invalid_json')
    s.deadLettered('unknown_tenant')
    expect(Object.fromEntries(s.deadLetters)).toEqual({ invalid_json: 2, unknown_tenant: 1 })
    expect(s.failed).toBe(3)
  })
})
