import { describe, expect, it } from 'vitest'
import { parseTopic } from '../../server/ingest/topic'

describe('parseTopic', () => {
  it('reads shape A, the gateway event topic of seed 000', () => {
    expect(parseTopic('factory/granix/ba/planta-1/gateway/granix-ba-gw-01/telemetry')).toEqual({
      ok: true, topic: { shape: 'A', tenant: 'granix', province: 'ba', plant: 'planta-1', gatewayId: 'granix-ba-gw-01' }
    })
  })

  it('reads shape B, the machine topic of seed 001', () => {
    expect(parseTopic('factory/granix/ba/planta-1/press-01/telemetry')).toEqual({
      ok: true, topic: { shape: 'B', tenant: 'granix', province: 'ba', plant: 'planta-1', machine: 'press-01' }
    })
  })

  it('reads shape C, the gateway status topic of seed 001', () => {
    expect(parseTopic('ops/granix/ba/planta-1/gateway/granix-ba-gateway-1/status')).toEqual({
      ok: true, topic: { shape: 'C', tenant: 'granix', province: 'ba', plant: 'planta-1', gatewayId: 'granix-ba-gateway-1' }
    })
  })

  it.each([
    ['factory/granix/ba/planta-1/telemetry', 'too short'],
    ['factory/granix/ba/planta-1/press-01/status', 'wrong leaf'],
    ['ops/granix/ba/planta-1/press-01/status', 'ops without gateway'],
    ['factory/granix/ba/planta-1/gateway/gw/status', 'status under factory'],
    ['factory/granix//planta-1/press-01/telemetry', 'empty segment'],
    ['factory/gran ix/ba/planta-1/press-01/telemetry', 'space'],
    ['factory/granix/ba/planta-1/press-01/telemetry/extra', 'too long'],
    ['other/granix/ba/planta-1/press-01/telemetry', 'unknown root'],
    ['', 'empty']
  ])('rejects %s (%s)', (topic) => {
    const r = parseTopic(topic)
    expect(r.ok).toBe(false)
  })
})
