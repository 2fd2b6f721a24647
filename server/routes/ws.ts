import type { z } from 'zod'
import type { H3Error } from 'h3'
import { bearerToken } from '../auth/authenticate'
import type { AuthContext } from '../auth/types'
import { EventTypesSchema, invalidMessage, SiteFilterSchema } from '../realtime/protocol'
import { useRealtime, type Realtime } from '../realtime/realtime'
import type { LiveSession } from '../realtime/session'
import type { SiteFilter } from '../realtime/subscription'
import { wsConnection, type WsMember } from '../realtime/ws-peer'
import { peekPlatform } from '../utils/platform'

/*
 * The live stream over WebSocket (SPEC §8); the protocol is in server/realtime/protocol.ts.
 *
 * Authentication is at connect, in the upgrade request: the Firebase ID token as `?token=`, because
 * browsers cannot set headers on a WebSocket (other clients may send `Authorization: Bearer`). The
 * token sits in the URL of that one request only: keep query strings out of proxy access logs. A
 * refused upgrade is an HTTP error with the REST error body (400, 401, 403, 503), before any socket
 * opens. Filters at connect: `?site=&plcId=`, and `tenant=` for platform admins.
 */

interface Upgraded {
  realtime: Realtime
  ctx: AuthContext
  token: string
  filter: SiteFilter
  types: ReadonlySet<string> | null
  opened?: { session: LiveSession, member: WsMember }
}

export default defineWebSocketHandler({
  async upgrade(request) {
    try {
      const url = new URL(request.url)
      const query = Object.fromEntries(url.searchParams)
      const filter = SiteFilterSchema.safeParse(query)
      const types = EventTypesSchema.safeParse(query)
      if (!filter.success) return invalidQuery(filter.error)
      if (!types.success) return invalidQuery(types.error)
      // No token at all is '' (refused as missing, with 401).
      const token = bearerToken(request.headers.get('authorization')) ?? url.searchParams.get('token') ?? ''
      const realtime = await useRealtime()
      const ctx = await realtime.authenticate(token)
      // crossws gives every upgrade a context object; it becomes peer.context.
      Object.assign(request.context!, { realtime, ctx, token, filter: filter.data, types: types.data.types } satisfies Upgraded)
    } catch (err) {
      return refusal(err)
    }
  },

  open(peer) {
    const live = peer.context as unknown as Upgraded
    const member = wsConnection(peer, m => live.realtime.heartbeat.alive(m))
    const session = live.realtime.open(member, live.ctx, live.token, live.types)
    session.subscribe(live.filter, 'connect')
    live.realtime.heartbeat.add(member)
    live.opened = { session, member }
  },

  message(peer, message) {
    const live = peer.context as unknown as Upgraded
    if (!live.opened) return
    live.realtime.heartbeat.alive(live.opened.member)
    live.opened.session.receive(message.text())
  },

  close(peer) {
    const live = peer.context as unknown as Upgraded
    if (!live.opened) return
    live.realtime.heartbeat.remove(live.opened.member)
    live.realtime.close(live.opened.session)
    live.opened = undefined
  }
})

function invalidQuery(error: z.ZodError): Response {
  const { message, field } = invalidMessage(error)
  return refusal(createError({ statusCode: 422, statusMessage: 'Invalid query', message: `Invalid query: ${message}`, data: { code: 'INVALID_QUERY', field } }))
}

/** An HTTP answer instead of the upgrade, with the body the REST API gives for the same error. */
function refusal(err: unknown): Response {
  const e = err as Partial<H3Error>
  const statusCode = e.statusCode ?? 500
  if (statusCode >= 500) peekPlatform()?.then(p => p.logger.error({ err: e.message }, 'live stream: WebSocket upgrade failed'), () => {})
  const body = { statusCode, message: statusCode === 500 ? 'Internal server error' : e.message, data: e.data }
  // crossws writes header values URL-encoded, so none are set; the body alone is enough.
  return new Response(new TextEncoder().encode(JSON.stringify(body)), { status: statusCode, statusText: e.statusMessage ?? '' })
}
