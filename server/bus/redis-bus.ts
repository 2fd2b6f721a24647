import { Redis } from 'ioredis'
import type { Logger } from 'pino'
import { globToRegExp, type Bus, type BusHandler } from './bus'
import type { PlatformEvent } from './events'

/**
 * Redis pub/sub bus. Publishing never blocks ingest: while Redis is down, events are dropped (live
 * streams are best-effort; the database has everything) and subscriptions are restored on reconnect.
 */
export function createRedisBus(url: string, logger: Logger): Bus {
  const options = { lazyConnect: false, maxRetriesPerRequest: 1, enableOfflineQueue: false, retryStrategy: (n: number) => Math.min(n * 200, 2000) }
  // Auto-pipelining batches the publishes of one event-loop turn into one socket write.
  const pub = new Redis(url, { ...options, enableAutoPipelining: true })
  // No ready check on the subscriber: its INFO would race the first PSUBSCRIBE, fail with "Connection in
  // subscriber mode", and the subscription made meanwhile was lost (instances missed control messages).
  const sub = new Redis(url, { ...options, enableOfflineQueue: true, enableReadyCheck: false })
  const handlers = new Map<string, { re: RegExp, handlers: Set<BusHandler> }>()
  let dropped = 0
  for (const [name, conn] of [['publisher', pub], ['subscriber', sub]] as const) {
    conn.on('error', err => logger.warn({ err: err.message, conn: name }, 'redis error'))
  }
  sub.on('pmessage', (pattern: string, channel: string, message: string) => {
    const entry = handlers.get(pattern)
    if (!entry) return
    let event: PlatformEvent
    try {
      event = JSON.parse(message)
    } catch {
      return
    }
    entry.handlers.forEach(h => h(channel, event))
  })
  const location = (() => {
    try {
      const u = new URL(url)
      return `${u.hostname}:${u.port || 6379}`
    } catch {
      return 'redis'
    }
  })()
  return {
    kind: 'redis',
    location,
    publish(channel, event) {
      if (pub.status !== 'ready') {
        dropped++
        return
      }
      pub.publish(channel, JSON.stringify(event)).catch(() => dropped++)
    },
    subscribe(pattern, handler) {
      let entry = handlers.get(pattern)
      if (!entry) {
        entry = { re: globToRegExp(pattern), handlers: new Set() }
        handlers.set(pattern, entry)
        sub.psubscribe(pattern).catch(err => logger.warn({ err: err.message, pattern }, 'redis psubscribe failed'))
      }
      entry.handlers.add(handler)
      return () => {
        entry.handlers.delete(handler)
        if (entry.handlers.size === 0) {
          handlers.delete(pattern)
          sub.punsubscribe(pattern).catch(() => {})
        }
      }
    },
    isUp: () => pub.status === 'ready' && sub.status === 'ready',
    async close() {
      if (dropped) logger.info({ dropped }, 'redis bus closing; live events dropped while Redis was down')
      handlers.clear()
      await Promise.allSettled([pub.quit(), sub.quit()])
    }
  }
}
