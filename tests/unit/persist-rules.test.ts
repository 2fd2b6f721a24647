import { describe, expect, it } from 'vitest'
import { resolvePersistMode, type PersistRule } from '../../server/ingest/persist-rules'

const scope = { plantId: 'plant-1', plcId: 'plc-1', metric: 'temp' }
const rule = (r: Partial<PersistRule> & Pick<PersistRule, 'mode'>): PersistRule => ({ plantId: null, plcId: null, metric: null, ...r })

describe('resolvePersistMode', () => {
  it('falls back to the default without rules', () => {
    expect(resolvePersistMode([], scope, 'both')).toBe('both')
  })

  it('the most specific matching rule wins: metric > PLC > plant > tenant', () => {
    const rules = [
      rule({ mode: 'none' }),
      rule({ plantId: 'plant-1', mode: 'hourly' }),
      rule({ plantId: 'plant-1', plcId: 'plc-1', mode: 'raw' }),
      rule({ plantId: 'plant-1', plcId: 'plc-1', metric: 'temp', mode: 'both' })
    ]
    expect(resolvePersistMode(rules, scope, 'raw')).toBe('both')
    expect(resolvePersistMode(rules, { ...scope, metric: 'speed' }, 'both')).toBe('raw')
    expect(resolvePersistMode(rules, { ...scope, plcId: 'plc-2' }, 'both')).toBe('hourly')
    expect(resolvePersistMode(rules, { ...scope, plantId: 'plant-2', plcId: 'plc-9' }, 'both')).toBe('none')
  })

  it('ignores rules of other plants, PLCs and metrics', () => {
    const rules = [rule({ plantId: 'plant-2', mode: 'none' }), rule({ plcId: 'plc-2', mode: 'none' }), rule({ metric: 'speed', mode: 'none' })]
    expect(resolvePersistMode(rules, scope, 'both')).toBe('both')
  })

  it('a tenant-wide metric rule beats a PLC rule', () => {
    const rules = [rule({ plcId: 'plc-1', mode: 'raw' }), rule({ metric: 'temp', mode: 'none' })]
    expect(resolvePersistMode(rules, scope, 'both')).toBe('none')
  })
})
