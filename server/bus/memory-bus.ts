import { globToRegExp, type Bus, type BusHandler } from './bus'
import type { PlatformEvent } from './events'

/** In-process bus with the same semantics as the Redis one; delivery is asynchronous like Redis. */
export function createMemoryBus(): Bus {
  const subs = new Set<{ re: RegExp, handler: BusHandler }>()
  return {
    kind: 'memory',
    location: 'in-process',
    publish(channel: string, event: PlatformEvent) {
      const matching = [...subs].filter(s => s.re.test(channel))
      if (matching.length) queueMicrotask(() => matching.forEach(s => s.handler(channel, event)))
    },
    subscribe(pattern: string, handler: BusHandler) {
      const sub = { re: globToRegExp(pattern), handler }
      subs.add(sub)
      return () => subs.delete(sub)
    },
    isUp: () => true,
    async close() {
      subs.clear()
    }
  }
}
