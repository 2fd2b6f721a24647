import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { Heartbeat } from '../../server/realtime/heartbeat'

function member() {
  return {
    pings: 0,
    terminated: false,
    ping() {
      this.pings++
    },
    terminate() {
      this.terminated = true
    }
  }
}

describe('Heartbeat', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('pings every interval and keeps connections that answer', () => {
    const hb = new Heartbeat<ReturnType<typeof member>>(1000)
    const m = member()
    hb.add(m)
    for (let i = 0; i < 3; i++) {
      vi.advanceTimersByTime(1000)
      hb.alive(m)
    }
    expect(m.pings).toBe(3)
    expect(m.terminated).toBe(false)
    hb.remove(m)
  })

  it('terminates a connection that did not answer the previous ping', () => {
    const dead: unknown[] = []
    const hb = new Heartbeat<ReturnType<typeof member>>(1000, m => dead.push(m))
    const quiet = member()
    const chatty = member()
    hb.add(quiet)
    hb.add(chatty)
    vi.advanceTimersByTime(1000)
    hb.alive(chatty)
    vi.advanceTimersByTime(1000)
    expect(quiet.terminated).toBe(true)
    expect(dead).toEqual([quiet])
    expect(chatty.terminated).toBe(false)
    hb.remove(chatty)
    expect(vi.getTimerCount()).toBe(0)
  })
})
