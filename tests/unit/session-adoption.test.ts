import pino from 'pino'
import { describe, expect, it } from 'vitest'
import { parsePresence, presencePayload, type MemberState } from '../../server/mqtt/presence'
import { startSessionAdoption } from '../../server/mqtt/session-adoption'
import type { Subscriber } from '../../server/mqtt/subscriber'
import { waitFor } from '../support/services'

/** A stand-in for an adopted subscriber whose state the test sets. */
function fakeSubscriber(peer: string) {
  const s = { peer, ready: true, ended: false, outstanding: 0, count: 0, lastAt: 0, endedSession: false }
  const sub: Subscriber = {
    isConnected: () => !s.ended,
    isReady: () => s.ready,
    isEnded: () => s.ended,
    outstanding: () => s.outstanding,
    received: () => ({ count: s.count, lastAt: s.lastAt }),
    close: async (o) => {
      s.ended = true
      s.endedSession = o?.endSession ?? false
    }
  }
  return { s, sub }
}

function setup(self: string, members: Record<string, MemberState>, opts: { failFirst?: boolean } = {}) {
  const view = new Map(Object.entries(members))
  const adopted: ReturnType<typeof fakeSubscriber>['s'][] = []
  const forgotten: string[] = []
  let attempts = 0
  const adoption = startSessionAdoption({
    self,
    members: () => view,
    adopt: async (peer) => {
      attempts++
      if (opts.failFirst && attempts === 1) throw new Error('broker refused')
      const f = fakeSubscriber(peer)
      adopted.push(f.s)
      return f.sub
    },
    forget: async (peer) => {
      forgotten.push(peer)
      view.delete(peer)
    },
    logger: pino({ level: 'silent' }),
    idleMs: 30,
    checkMs: 5,
    retryMs: 25
  })
  return { view, adopted, forgotten, adoption, attempts: () => attempts }
}

describe('session adoption', () => {
  it('is done by the first online member by client id, and only by it', async () => {
    const first = setup('ingest-a', { 'ingest-a': 'online', 'ingest-b': 'online', 'ingest-c': 'offline' })
    const second = setup('ingest-b', { 'ingest-a': 'online', 'ingest-b': 'online', 'ingest-c': 'offline' })
    first.adoption.review()
    second.adoption.review()
    await waitFor(() => first.forgotten.length === 1, 2000, 'ingest-a drained ingest-c')
    expect(first.adopted.map(a => a.peer)).toEqual(['ingest-c'])
    expect(first.adopted[0]!.endedSession).toBe(true)
    expect(second.adopted).toEqual([])
  })

  it('counts itself online before its own status has come back from the broker', async () => {
    const t = setup('ingest-b', { 'ingest-a': 'offline', 'ingest-b': 'offline' })
    t.adoption.review()
    await waitFor(() => t.forgotten.length === 1, 2000, 'drained')
    expect(t.forgotten).toEqual(['ingest-a'])
  })

  it('waits until nothing is unacknowledged and the session was quiet for the idle time', async () => {
    const t = setup('ingest-a', { 'ingest-a': 'online', 'ingest-b': 'offline' })
    t.adoption.review()
    await waitFor(() => t.adopted.length === 1, 2000, 'adopting')
    const s = t.adopted[0]!
    s.outstanding = 3
    s.ready = false
    await new Promise(resolve => setTimeout(resolve, 100))
    expect(t.forgotten).toEqual([])
    s.ready = true
    await new Promise(resolve => setTimeout(resolve, 100))
    expect(t.forgotten).toEqual([])
    expect(t.adoption.adopting()).toEqual(['ingest-b'])
    s.outstanding = 0
    s.count = 5
    s.lastAt = Date.now()
    await waitFor(() => t.forgotten.length === 1, 2000, 'drained')
    expect(t.adoption.adopting()).toEqual([])
    expect(t.adoption.counters()).toEqual({ drained: 1, messages: 5 })
  })

  it('lets go without deleting the session when its owner comes back', async () => {
    const t = setup('ingest-a', { 'ingest-a': 'online', 'ingest-b': 'offline' })
    t.adoption.review()
    await waitFor(() => t.adopted.length === 1, 2000, 'adopting')
    t.adopted[0]!.outstanding = 1
    t.view.set('ingest-b', 'online')
    t.adoption.review()
    await waitFor(() => t.adoption.adopting().length === 0, 2000, 'let go')
    expect(t.adopted[0]!.ended).toBe(true)
    expect(t.adopted[0]!.endedSession).toBe(false)
    expect(t.forgotten).toEqual([])
    expect(t.adoption.counters().drained).toBe(0)
  })

  it('tries again after a failed takeover', async () => {
    const t = setup('ingest-a', { 'ingest-a': 'online', 'ingest-b': 'offline' }, { failFirst: true })
    t.adoption.review()
    await waitFor(() => t.forgotten.length === 1, 2000, 'drained on the second try')
    expect(t.attempts()).toBe(2)
  })

  it('stops draining on stop, leaving the session for another member', async () => {
    const t = setup('ingest-a', { 'ingest-a': 'online', 'ingest-b': 'offline' })
    t.adoption.review()
    await waitFor(() => t.adopted.length === 1, 2000, 'adopting')
    t.adopted[0]!.outstanding = 1
    await t.adoption.stop()
    expect(t.adopted[0]!.endedSession).toBe(false)
    await new Promise(resolve => setTimeout(resolve, 100))
    expect(t.attempts()).toBe(1)
    expect(t.forgotten).toEqual([])
  })
})

describe('presence statuses', () => {
  it('reads what an instance publishes, and nothing else', () => {
    expect(parsePresence(Buffer.from(presencePayload('online')))).toBe('online')
    expect(parsePresence(Buffer.from(presencePayload('offline')))).toBe('offline')
    expect(parsePresence(Buffer.alloc(0))).toBeNull()
    expect(parsePresence(Buffer.from('{"state":"maybe"}'))).toBeNull()
    expect(parsePresence(Buffer.from('not json'))).toBeNull()
  })
})
