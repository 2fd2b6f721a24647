import { describe, expect, it } from 'vitest'
import { DEAD_LETTER_REASONS, PERSIST_MODES, onlineShare, statusSegments, type StatusTransition } from '../../utils/adminOps'
import { deadLetterReasons } from '../../server/ingest/messages'
import { persistModes } from '../../server/config/env'
import en from '../../i18n/locales/en.json'
import es from '../../i18n/locales/es.json'

const keys = (o: object, prefix = ''): string[] => Object.entries(o).flatMap(([k, v]) => typeof v === 'object' && v !== null ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`])

const t = (id: number, status: 'online' | 'offline', at: number, reason: string | null = null): StatusTransition => ({ id, status, at, reason })

describe('the admin pages\' vocabulary', () => {
  it('matches the server\'s dead-letter reasons and persistence modes', () => {
    expect([...DEAD_LETTER_REASONS].sort()).toEqual([...deadLetterReasons].sort())
    expect([...PERSIST_MODES].sort()).toEqual([...persistModes].sort())
  })

  it('has words for every reason and mode, in English and Spanish alike', () => {
    expect(keys(es).sort()).toEqual(keys(en).sort())
    for (const r of DEAD_LETTER_REASONS) expect(en.deadLetters.reason[r], r).toBeTruthy()
    for (const m of PERSIST_MODES) expect(en.persistRules.mode[m], m).toBeTruthy()
  })
})

describe('statusSegments', () => {
  it('starts from the status in force before the range and cuts at each change', () => {
    const segs = statusSegments([t(3, 'online', 700), t(2, 'offline', 400, 'unexpected_disconnect')], t(1, 'online', 50), 100, 1000)
    expect(segs).toEqual([
      { status: 'online', from: 100, to: 400, reason: null },
      { status: 'offline', from: 400, to: 700, reason: 'unexpected_disconnect' },
      { status: 'online', from: 700, to: 1000, reason: null }
    ])
    expect(onlineShare(segs)).toBeCloseTo(600 / 900)
  })

  it('is unknown before the first transition ever, ignores repeats and what lies outside the range', () => {
    const segs = statusSegments([t(1, 'online', 200), t(2, 'online', 300), t(3, 'offline', 2000)], null, 100, 1000)
    expect(segs).toEqual([
      { status: 'unknown', from: 100, to: 200, reason: null },
      { status: 'online', from: 200, to: 1000, reason: null }
    ])
  })

  it('gives one segment when nothing changed in the range', () => {
    expect(statusSegments([], t(1, 'offline', 10, 'watchdog'), 100, 1000)).toEqual([{ status: 'offline', from: 100, to: 1000, reason: 'watchdog' }])
    expect(statusSegments([t(1, 'online', 100)], null, 100, 1000)).toEqual([{ status: 'online', from: 100, to: 1000, reason: null }])
  })
})
