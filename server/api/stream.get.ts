import { bearerToken } from '../auth/authenticate'
import { echo, EventTypesSchema, SiteFilterSchema } from '../realtime/protocol'
import { SSE_PING_MS, useRealtime } from '../realtime/realtime'
import { sseConnection } from '../realtime/sse-connection'

/**
 * The live stream as Server-Sent Events (SPEC §8, seed 003), for clients that cannot use WebSockets:
 * the same events and filters (`?site=&plcId=`, `tenant=` for platform admins, `types=`) as /ws, from the same
 * hub. The auth middleware has checked the token (`Authorization: Bearer`, or `?token=` since
 * EventSource cannot send headers). First event `hello` with the subscription, then the events,
 * and a `ping` event every 15 s. A filter naming no visible site is a 404 before the stream starts.
 */
export default defineEventHandler(async (event) => {
  const ctx = useAuth(event)
  const filter = await validQuery(event, SiteFilterSchema)
  const { types } = await validQuery(event, EventTypesSchema)
  const realtime = await useRealtime()
  const resolution = await realtime.hub.resolve(ctx, filter)
  if (!resolution.ok) {
    const statusCode = resolution.code === 'NOT_FOUND' ? 404 : 422
    throw createError({ statusCode, statusMessage: statusCode === 404 ? 'Not found' : 'Invalid query', message: resolution.message, data: { code: resolution.code } })
  }
  const stream = createEventStream(event)
  const connection = sseConnection(stream, event.node.res)
  const token = bearerToken(getHeader(event, 'authorization')) ?? String(getQuery(event).token)
  // hello goes out before the subscription exists, so it is the first event whatever arrives meanwhile.
  void stream.push({ event: 'hello', data: JSON.stringify({ subscription: echo(resolution.subscription) }) }).catch(() => {})
  const session = realtime.open(connection, ctx, token, types)
  realtime.hub.add(session.client, resolution.subscription)
  const ping = setInterval(() => connection.ping(), SSE_PING_MS)
  stream.onClosed(() => {
    clearInterval(ping)
    realtime.close(session)
  })
  return stream.send()
})
