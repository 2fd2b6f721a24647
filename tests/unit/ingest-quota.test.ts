import { describe, expect, it } from 'vitest'
import { SourceQuota, sourceKey } from '../../server/ingest/quota'

const A = (gw: string) => `factory/granix/ba/planta-1/gateway/${gw}/telemetry`
const C = (gw: string) => `ops/granix/ba/planta-1/gateway/${gw}/status`
const B = (m: string) => `factory/granix/ba/planta-1/${m}/telemetry`

const takeN = (q: SourceQuota, topic: string, n: number, now: number) => Array.from({ length: n }, () => q.take(topic, now)).filter(Boolean).length

describe('SourceQuota: a token bucket per gateway (or machine)', () => {
  it('lets a burst through, then only the rate', () => {
    const q = new SourceQuota(10, 50)
    expect(takeN(q, A('gw-1'), 80, 0)).toBe(50)
    // One second later: ten tokens more, not a new burst.
    expect(takeN(q, A('gw-1'), 80, 1000)).toBe(10)
    expect(takeN(q, A('gw-1'), 80, 1500)).toBe(5)
  })

  it('never saves up more than the burst', () => {
    const q = new SourceQuota(10, 50)
    q.take(A('gw-1'), 0)
    expect(takeN(q, A('gw-1'), 200, 3_600_000)).toBe(50)
  })

  it('keeps sources apart: a flooding gateway leaves the others their whole quota', () => {
    const q = new SourceQuota(10, 20)
    expect(takeN(q, A('flood'), 1000, 0)).toBe(20)
    expect(takeN(q, A('quiet'), 20, 0)).toBe(20)
    expect(takeN(q, B('press-01'), 20, 0)).toBe(20)
  })

  it('charges a gateway\'s telemetry and status to the same bucket', () => {
    const q = new SourceQuota(1, 2)
    expect(q.take(A('gw-1'), 0)).toBe(true)
    expect(q.take(C('gw-1'), 0)).toBe(true)
    expect(q.take(A('gw-1'), 0)).toBe(false)
  })

  it('does not account topics that are no shape of ours (they are dead-lettered as invalid_topic)', () => {
    const q = new SourceQuota(1, 1)
    expect(sourceKey('not/a/topic')).toBeNull()
    expect(takeN(q, 'not/a/topic', 10, 0)).toBe(10)
  })

  it('stays bounded when a flood uses a new gateway name per message', () => {
    const q = new SourceQuota(1, 5)
    for (let i = 0; i < 120_000; i++) q.take(A(`gw-${i}`), i)
    expect(q.size).toBeLessThanOrEqual(50_000)
  })
})
