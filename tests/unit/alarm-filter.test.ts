import { describe, expect, it } from 'vitest'
import { ALARM_TYPES as SERVER_TYPES } from '../../server/alarms/observations'
import { SEVERITIES as SERVER_SEVERITIES } from '../../server/alarms/rules'
import { ALARM_TYPES, SEVERITIES, filterQuery, listPath, matchesFilter, type Alarm, type AlarmFilter } from '../../utils/alarms'

const NOW = 1_700_000_000_000
const alarm = (patch: Partial<Alarm> = {}): Alarm => ({
  id: 'a1', tenant: 'granix', site: 'planta-1', plcId: 'machine-1-1', gatewayId: null, ruleId: 'r1', metric: 'level',
  type: 'threshold', message: 'Level high', severity: 'high', state: 'active', acknowledged: false, value: 75, ts: NOW - 1000,
  acknowledgedAt: null, acknowledgedBy: null, ackComment: null, clearedAt: null, clearValue: null, shelvedUntil: null, createdAt: NOW - 1000,
  ...patch
})
const OPEN: AlarmFilter = { state: 'open', severities: [], site: null, plcId: null, type: null, includeShelved: false }

describe('the browser\'s copy of the alarm vocabulary', () => {
  it('lists the server\'s severities and types', () => {
    expect([...SEVERITIES]).toEqual([...SERVER_SEVERITIES])
    expect([...ALARM_TYPES].sort()).toEqual([...SERVER_TYPES].sort())
  })
})

describe('matchesFilter (whether a live alarm joins the list)', () => {
  it('open takes active and acknowledged, not cleared', () => {
    expect(matchesFilter(alarm(), OPEN, NOW)).toBe(true)
    expect(matchesFilter(alarm({ state: 'acknowledged', acknowledged: true }), OPEN, NOW)).toBe(true)
    expect(matchesFilter(alarm({ state: 'cleared' }), OPEN, NOW)).toBe(false)
    expect(matchesFilter(alarm({ state: 'cleared' }), { ...OPEN, state: 'all' }, NOW)).toBe(true)
    expect(matchesFilter(alarm(), { ...OPEN, state: 'cleared' }, NOW)).toBe(false)
  })

  it('narrows by severity, plant, PLC and type', () => {
    expect(matchesFilter(alarm(), { ...OPEN, severities: ['critical', 'high'] }, NOW)).toBe(true)
    expect(matchesFilter(alarm(), { ...OPEN, severities: ['low'] }, NOW)).toBe(false)
    expect(matchesFilter(alarm(), { ...OPEN, site: 'planta-2' }, NOW)).toBe(false)
    expect(matchesFilter(alarm(), { ...OPEN, site: 'planta-1', plcId: 'machine-1-2' }, NOW)).toBe(false)
    expect(matchesFilter(alarm(), { ...OPEN, type: 'quality_bad' }, NOW)).toBe(false)
  })

  it('hides alarms shelved until later unless asked; an expired shelving does not hide', () => {
    expect(matchesFilter(alarm({ shelvedUntil: NOW + 60_000 }), OPEN, NOW)).toBe(false)
    expect(matchesFilter(alarm({ shelvedUntil: NOW + 60_000 }), { ...OPEN, includeShelved: true }, NOW)).toBe(true)
    expect(matchesFilter(alarm({ shelvedUntil: NOW - 1 }), OPEN, NOW)).toBe(true)
  })
})

describe('filterQuery and listPath (what the list asks the server)', () => {
  it('sends the filters as GET /api/alarms takes them', () => {
    expect(filterQuery(OPEN)).toEqual({ state: 'open', shelved: 'false' })
    expect(filterQuery({ state: 'all', severities: ['critical', 'high'], site: 'planta-1', plcId: null, type: 'threshold', includeShelved: true }))
      .toEqual({ severity: 'critical,high', site: 'planta-1', type: 'threshold' })
    expect(listPath(OPEN)).toBe('/api/alarms')
  })

  it('uses the per-PLC route when a PLC is picked (the site is in the path, not the query)', () => {
    const f = { ...OPEN, site: 'planta 1', plcId: 'm/1' }
    expect(listPath(f)).toBe('/api/alarms/planta%201/m%2F1')
    expect(filterQuery(f)).not.toHaveProperty('site')
  })
})
