import { useNitroApp } from 'nitropack/runtime'
import { authenticateToken } from '../auth/authenticate'
import type { AuthContext } from '../auth/types'
import { controlChannel } from '../bus/events'
import type { Platform } from '../platform'
import { usePlatform } from '../utils/platform'
import { Heartbeat } from './heartbeat'
import { LiveHub, type LiveConnection, type RealtimeStats } from './hub'
import { LiveSession } from './session'
import { SiteDirectory } from './site-directory'
import { ormSiteLookup } from './site-lookup'
import type { WsMember } from './ws-peer'

/** WebSocket ping interval: under the 60 s idle timeout of common proxies and load balancers. */
const WS_PING_MS = 25_000
/** SSE keep-alive interval (an event, since EventSource ignores comments and cannot answer). */
export const SSE_PING_MS = 15_000
/** How often a connection's token is verified again (ID tokens live an hour). */
const RECHECK_MS = 5 * 60_000

/** The live streams of this instance; server/routes/ws.ts and server/api/stream.get.ts adapt to it. */
export interface Realtime {
  platform: Platform
  hub: LiveHub
  heartbeat: Heartbeat<WsMember>
  authenticate(token: string | undefined): Promise<AuthContext>
  /** A session for an authenticated connection; `close` it when the connection closes. */
  /** @param types the event types the client asked for (`?types=`); null: every type. */
  open(connection: LiveConnection, ctx: AuthContext, token: string, types?: ReadonlySet<string> | null): LiveSession
  close(session: LiveSession): void
}

let current: Promise<Realtime> | undefined
let running: Realtime | undefined

/**
 * The instance's live-stream hub, created with the first connection. This file is the only one under
 * server/realtime that knows Nitro; everything else takes its dependencies as arguments.
 */
export function useRealtime(): Promise<Realtime> {
  if (!current) {
    current = usePlatform().then((platform) => {
      running = createRealtime(platform)
      return running
    })
    // A failed start (platform not up yet) is not remembered: the next connection tries again.
    current.catch(() => (current = undefined))
  }
  return current
}

/** Counters for /metrics; zeros until the first live connection. */
export function realtimeStats(): RealtimeStats {
  return running?.hub.stats() ?? { connections: 0, coalesced: 0, dropped: 0, disconnectedSlow: 0 }
}

function createRealtime(platform: Platform): Realtime {
  const { logger } = platform
  const hub = new LiveHub({ bus: platform.bus, prefix: platform.config.busPrefix, sites: new SiteDirectory(ormSiteLookup(platform.db.orm)), logger })
  hub.start()
  const heartbeat = new Heartbeat<WsMember>(WS_PING_MS, () => logger.debug('live stream: WebSocket client did not answer the ping; terminated'))
  const sessions = new Set<LiveSession>()
  const authenticate = (token: string | undefined) => authenticateToken(platform, token)
  const deps = { hub, logger, recheckMs: RECHECK_MS, authenticate }

  // An admin changed someone's role or plants: re-check those connections now, not in five minutes.
  platform.bus.subscribe(controlChannel(platform.config.busPrefix), (_channel, event) => {
    if (event.type !== 'users_changed') return
    for (const s of sessions) if (!event.uid || s.client.ctx.uid === event.uid) s.recheck()
  })
  closeOnShutdown(hub)

  return {
    platform, hub, heartbeat, authenticate,
    open(connection, ctx, token, types) {
      const session = new LiveSession(deps, hub.connect(connection, ctx, types ?? null), token)
      sessions.add(session)
      return session
    },
    close(session) {
      sessions.delete(session)
      session.end()
    }
  }
}

/**
 * Closes live connections first when the server stops. Nitro's graceful shutdown destroys upgraded
 * sockets without a close frame, and waits for open SSE responses (up to NITRO_SHUTDOWN_TIMEOUT,
 * 30 s) before it runs the close hooks. So the hub also listens for the signals Nitro handles —
 * only those already handled, so it never changes what a signal does.
 */
function closeOnShutdown(hub: LiveHub): void {
  const stop = () => hub.stop()
  useNitroApp().hooks.hook('close', stop)
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    if (process.listenerCount(signal) > 0) process.once(signal, stop)
  }
}
