import { describe, expect, it } from 'vitest'
import { SubscriberIndex } from '../../server/realtime/subscriber-index'
import type { Subscription } from '../../server/realtime/subscription'

const sub = (tenantId: string | null, plantId: string | null, plcId: string | null): Subscription =>
  ({ key: `${tenantId}|${plantId}|${plcId}`, tenant: null, site: null, plcId, tenantId, plantId })
const plant = { tenantId: 'tA', plantId: 'p1' }
const candidates = (index: SubscriberIndex<string>, plcId?: string) => [...new Set(index.candidates(plant, plcId).flatMap(s => [...s]))].sort()

describe('SubscriberIndex', () => {
  it('offers a PLC event only to that PLC\'s, the plant\'s, the tenant\'s and global subscribers', () => {
    const index = new SubscriberIndex<string>()
    index.add('plc-1', sub('tA', 'p1', 'plc-1'))
    index.add('plc-2', sub('tA', 'p1', 'plc-2'))
    index.add('plant', sub('tA', 'p1', null))
    index.add('other-plant', sub('tA', 'p2', null))
    index.add('tenant', sub('tA', null, null))
    index.add('other-tenant', sub('tB', null, null))
    index.add('everything', sub(null, null, null))
    expect(candidates(index, 'plc-1')).toEqual(['everything', 'plant', 'plc-1', 'tenant'])
    // A plant-level event (gateway status) concerns every subscriber of the plant, PLC-narrowed too.
    expect(candidates(index)).toEqual(['everything', 'plant', 'plc-1', 'plc-2', 'tenant'])
  })

  it('keeps a client in a slot another of its subscriptions still needs', () => {
    const index = new SubscriberIndex<string>()
    const a = sub('tA', 'p1', 'plc-1')
    const b = sub('tA', 'p1', 'plc-2')
    index.add('c', a)
    index.add('c', b)
    index.remove('c', a, [b])
    expect(candidates(index, 'plc-1')).toEqual([])
    expect(candidates(index, 'plc-2')).toEqual(['c'])
    expect(candidates(index)).toEqual(['c'])
    index.remove('c', b, [])
    expect(candidates(index)).toEqual([])
  })
})
