import { describe, expect, it } from 'vitest'
import { insideSchedule, localTime, windowsFromShares } from '../../server/alarms/schedule-windows'

describe('schedule windows', () => {
  it('merges adjacent bins over the threshold into windows per weekday', () => {
    const shares = [
      { dow: 1, bin: 12, share: 0.9 }, { dow: 1, bin: 13, share: 0.6 }, { dow: 1, bin: 14, share: 0.5 },
      { dow: 1, bin: 16, share: 1 }, { dow: 3, bin: 47, share: 0.55 }, { dow: 5, bin: 2, share: 0.2 }
    ]
    expect(windowsFromShares(shares, 30, 0.55)).toEqual({
      1: [{ start: '06:00', end: '07:00' }, { start: '08:00', end: '08:30' }],
      3: [{ start: '23:30', end: '24:00' }]
    })
  })

  it('reads weekday and minute in the schedule\'s time zone', () => {
    // 2026-01-05 (a Monday) 23:30 UTC is Tuesday 00:30 in Madrid (UTC+1 in winter).
    const ts = Date.UTC(2026, 0, 5, 23, 30)
    expect(localTime(ts, 'UTC')).toEqual({ dow: 1, minute: 23 * 60 + 30 })
    expect(localTime(ts, 'Europe/Madrid')).toEqual({ dow: 2, minute: 30 })
    const windows = { 2: [{ start: '00:00', end: '01:00' }] }
    expect(insideSchedule(ts, windows, 'Europe/Madrid')).toBe(true)
    expect(insideSchedule(ts, windows, 'UTC')).toBe(false)
  })

  it('a window ends before its end minute', () => {
    const windows = { 1: [{ start: '08:00', end: '16:00' }] }
    expect(insideSchedule(Date.UTC(2026, 0, 5, 8, 0), windows, 'UTC')).toBe(true)
    expect(insideSchedule(Date.UTC(2026, 0, 5, 15, 59), windows, 'UTC')).toBe(true)
    expect(insideSchedule(Date.UTC(2026, 0, 5, 16, 0), windows, 'UTC')).toBe(false)
  })
})
