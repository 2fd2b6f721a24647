import { describe, expect, it } from 'vitest'
import { Outbox } from '../../server/realtime/outbox'
import type { LiveEvent } from '../../server/realtime/live-event'

const telemetry = (plcId: string, ts: number, values: Record<string, number>, quality?: Record<string, string>): LiveEvent =>
  ({ type: 'telemetry', tenant: 'acme', site: 'p1', plcId, ts, values, ...(quality ? { quality } : {}) })
const status = (status: string): LiveEvent => ({ type: 'gateway_status', tenant: 'acme', site: 'p1', gatewayId: 'gw', status, reason: null, at: 1 })

function push(box: Outbox, e: LiveEvent): number {
  return box.push(e, JSON.stringify(e), `plant|${e.plcId ?? ''}`)
}

describe('Outbox', () => {
  it('keeps the latest value per (PLC, metric) and counts what it replaced', () => {
    const box = new Outbox()
    expect(push(box, telemetry('plc-1', 1, { t: 1, p: 10 }))).toBe(0)
    expect(push(box, telemetry('plc-1', 2, { t: 2 }))).toBe(1)
    expect(push(box, telemetry('plc-1', 3, { t: 3 }))).toBe(1)
    expect(push(box, telemetry('plc-2', 3, { t: 30 }))).toBe(0)
    expect(box.size).toBe(3)
    // A PLC's values go out grouped by timestamp, oldest first.
    expect(box.drain().map(t => JSON.parse(t))).toEqual([
      { type: 'telemetry', tenant: 'acme', site: 'p1', plcId: 'plc-1', ts: 1, values: { p: 10 } },
      { type: 'telemetry', tenant: 'acme', site: 'p1', plcId: 'plc-1', ts: 3, values: { t: 3 } },
      { type: 'telemetry', tenant: 'acme', site: 'p1', plcId: 'plc-2', ts: 3, values: { t: 30 } }
    ])
    expect(box.size).toBe(0)
  })

  it('never lets a late, older value replace a newer one', () => {
    const box = new Outbox()
    push(box, telemetry('plc-1', 5, { t: 5 }))
    expect(push(box, telemetry('plc-1', 4, { t: 4 }))).toBe(1)
    expect(JSON.parse(box.drain()[0]!).values).toEqual({ t: 5 })
  })

  it('sends values of one PLC and timestamp as one message, with their quality', () => {
    const box = new Outbox()
    push(box, telemetry('plc-1', 7, { a: 1, b: 2 }, { b: 'BAD' }))
    push(box, telemetry('plc-1', 7, { c: 3 }))
    expect(box.drain().map(t => JSON.parse(t))).toEqual([
      { type: 'telemetry', tenant: 'acme', site: 'p1', plcId: 'plc-1', ts: 7, values: { a: 1, b: 2, c: 3 }, quality: { b: 'BAD' } }
    ])
  })

  it('keeps every other event whole and in order among the telemetry', () => {
    const box = new Outbox()
    push(box, status('offline'))
    push(box, telemetry('plc-1', 1, { t: 1 }))
    push(box, status('online'))
    expect(box.drain().map(t => JSON.parse(t).type === 'gateway_status' ? JSON.parse(t).status : 'telemetry')).toEqual(['offline', 'telemetry', 'online'])
  })

  it('clear() reports how many values and events it discarded', () => {
    const box = new Outbox()
    push(box, telemetry('plc-1', 1, { a: 1, b: 2 }))
    push(box, status('offline'))
    expect(box.clear()).toBe(3)
    expect(box.drain()).toEqual([])
  })
})
