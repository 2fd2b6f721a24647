import type { Logger } from 'pino'
import type { MemberState } from './presence'
import type { Subscriber } from './subscriber'

export interface SessionAdoptionOptions {
  /** This instance's client id. */
  self: string
  members: () => ReadonlyMap<string, MemberState>
  /** Take a peer's broker session over as an `adopted` subscriber feeding this instance's ingest. */
  adopt: (peer: string) => Promise<Subscriber>
  /** The peer's session is gone: clear its status so nobody adopts it again. */
  forget: (peer: string) => Promise<void>
  logger: Logger
  /** Quiet time, with nothing left unacknowledged, after which an adopted session counts as drained. */
  idleMs?: number
  /** How often a running adoption is checked. */
  checkMs?: number
  /**
   * How long after a failed or interrupted adoption to look again: long enough for an owner that took
   * its session back to have said so, rather than taking it from the owner in turn.
   */
  retryMs?: number
}

const SWEEP_MS = 30_000

export interface SessionAdoption {
  /** Look at the members again (call on every presence change). */
  review(): void
  /** Peers whose sessions this instance is draining now. */
  adopting(): string[]
  /** Sessions drained and deleted since the start, and the messages they held. */
  counters(): { drained: number, messages: number }
  /** Stop draining; the sessions stay with the broker for the owner or another instance. */
  stop(): Promise<void>
}

/**
 * Drains the broker sessions of dead group members. An MQTT broker keeps routing a shared
 * subscription's messages to a member whose persistent session outlives its connection (Mosquitto
 * 2.0 does: half of a two-instance group's messages wait there), and a dead member's unacknowledged
 * messages wait there too, until that member reconnects. So one living instance — the first online
 * one by client id, the same choice on every instance — takes each orphaned session over, removes its
 * subscriptions, ingests what it held (acknowledged after commit, duplicates absorbed by the
 * idempotency keys), then deletes it. If the owner comes back meanwhile it takes its session back
 * (the broker disconnects the adopter), and nothing is lost either way.
 */
export function startSessionAdoption(o: SessionAdoptionOptions): SessionAdoption {
  const idleMs = o.idleMs ?? 2000
  const checkMs = o.checkMs ?? 250
  const retryMs = o.retryMs ?? 5000
  const running = new Map<string, Subscriber | null>()
  const totals = { drained: 0, messages: 0 }
  let stopped = false

  const elected = (): string => {
    const online = [...o.members()].filter(([, s]) => s === 'online').map(([id]) => id)
    return [...new Set([...online, o.self])].sort()[0]!
  }

  const review = () => {
    if (stopped) return
    const members = o.members()
    for (const [peer, state] of members) {
      if (peer === o.self || running.has(peer)) continue
      if (state === 'offline' && elected() === o.self) void drain(peer)
    }
    // An owner back online takes its session over itself; let go first rather than be disconnected.
    for (const [peer, sub] of running) if (members.get(peer) === 'online') void sub?.close()
  }

  const drain = async (peer: string) => {
    running.set(peer, null)
    const t0 = Date.now()
    let outcome: 'drained' | 'taken back' | 'failed' = 'failed'
    let sub: Subscriber | undefined
    try {
      sub = await o.adopt(peer)
      running.set(peer, sub)
      o.logger.info({ peer }, 'mqtt: adopting the session of a dead group member')
      outcome = await untilDrained(peer, sub)
      if (outcome === 'drained') {
        await sub.close({ endSession: true })
        await o.forget(peer)
      }
    } catch (err) {
      o.logger.warn({ peer, err: (err as Error).message }, 'mqtt: adopting a session failed')
    } finally {
      running.delete(peer)
      totals.messages += sub?.received().count ?? 0
      if (outcome === 'drained') totals.drained++
      o.logger.info({ peer, outcome, messages: sub?.received().count ?? 0, ms: Date.now() - t0 }, 'mqtt: adopted session done')
      if (!stopped && outcome !== 'drained') setTimeout(review, retryMs).unref()
    }
  }

  const untilDrained = (peer: string, sub: Subscriber) => new Promise<'drained' | 'taken back' | 'failed'>((resolve) => {
    let readySince = 0
    const timer = setInterval(() => {
      if (sub.isEnded()) {
        clearInterval(timer)
        resolve(o.members().get(peer) === 'online' ? 'taken back' : 'failed')
        return
      }
      if (!sub.isReady() || sub.outstanding() > 0) return
      readySince ||= Date.now()
      // Drained: quiet since its subscriptions were removed, or since the last message it was handed.
      if (Date.now() - Math.max(readySince, sub.received().lastAt) >= idleMs) {
        clearInterval(timer)
        resolve('drained')
      }
    }, checkMs)
    timer.unref()
  })

  // Statuses are events; a look now and then also covers one missed while the presence reconnected.
  const sweep = setInterval(review, SWEEP_MS)
  sweep.unref()

  return {
    review,
    adopting: () => [...running.keys()],
    counters: () => ({ ...totals }),
    stop: async () => {
      stopped = true
      clearInterval(sweep)
      await Promise.all([...running.values()].map(sub => sub?.close()))
    }
  }
}
