import { z } from 'zod'

/*
 * The live-stream protocol, WebSocket (/ws) and SSE (/api/stream) alike.
 *
 * Server → client: every bus event of the subscribed plants as published (seed 000's
 * `{type:"telemetry", site, plcId, ts, values}` plus `tenant` and `quality`; `gateway_status`,
 * `gateway_heartbeat`, and whatever types are added later), and the replies below.
 * Client → server (WebSocket only): `subscribe` / `unsubscribe` with the connect filters, `auth`
 * with a fresh ID token before the current one expires, and `ping` for clients that cannot see
 * protocol-level pings (browsers).
 */

const slug = z.string().min(1).max(128)
const id = z.string().min(1).max(128)

const filterFields = z.object({ tenant: slug.optional(), site: slug.optional(), plcId: id.optional() })

// PLC ids are unique within a plant only.
const plcNeedsSite = <T extends { site?: string, plcId?: string }>(f: T) => !f.plcId || !!f.site
const plcNeedsSiteError = { message: 'plcId needs site', path: ['plcId'] }

/** `?tenant=&site=&plcId=` at connect; the same fields in subscribe and unsubscribe messages. */
export const SiteFilterSchema = filterFields.refine(plcNeedsSite, plcNeedsSiteError)

/**
 * `?types=alarm,gateway_status` at connect: only events of these types reach the connection (the
 * replies always do). Without it, every type. A client that follows alarms only — the alarm badge
 * of every page — would otherwise receive every value of every plant it can see.
 */
export const EventTypesSchema = z.object({
  types: z.string().max(512).regex(/^[a-z_]+(,[a-z_]+)*$/, 'a comma list of event types such as alarm,gateway_status').optional()
    .transform(v => v ? new Set(v.split(',')) as ReadonlySet<string> : null)
})

export const ClientMessageSchema = z.discriminatedUnion('type', [
  filterFields.extend({ type: z.literal('subscribe') }).refine(plcNeedsSite, plcNeedsSiteError),
  filterFields.extend({ type: z.literal('unsubscribe') }).refine(plcNeedsSite, plcNeedsSiteError),
  z.object({ type: z.literal('auth'), token: z.string().min(1).max(16_384) }),
  z.object({ type: z.literal('ping') })
])

/** Client messages are a few hundred bytes; anything this large is refused unparsed. */
export const MAX_CLIENT_MESSAGE_CHARS = 20_000

/**
 * Client messages a connection may send: a burst (a page subscribing to its widgets at once), then
 * a steady rate. Past it the connection is closed: a flood must not occupy the server for others.
 */
export const CLIENT_MESSAGE_BURST = 200
export const CLIENT_MESSAGES_PER_S = 20

/** Frames larger than this are refused by the WebSocket layer itself, before they are buffered. */
export const MAX_FRAME_BYTES = 64 * 1024

/** Close codes: the standard going-away, and 4000 + the HTTP status that means the same. */
export const CLOSE = {
  /** The server is stopping: reconnect, possibly to another instance. */
  GOING_AWAY: 1001,
  /** The token was refused when re-checked (expired, revoked): reconnect with a fresh one. */
  UNAUTHENTICATED: 4401,
  /** The token is valid but the platform no longer knows the user. */
  FORBIDDEN: 4403,
  /** The client sent messages faster than CLIENT_MESSAGES_PER_S allows (after its burst). */
  POLICY_VIOLATION: 1008,
  /** The client did not read fast enough; reconnect and reload state over REST. */
  SLOW_CONSUMER: 4429
} as const

export type ErrorCode = 'NOT_FOUND' | 'TENANT_REQUIRED' | 'INVALID_MESSAGE' | 'TOO_MANY_SUBSCRIPTIONS' | 'UNAUTHENTICATED' | 'FORBIDDEN'

/** A filter as the client named it; replies echo it so the client knows what they answer. */
export interface FilterEcho {
  tenant: string | null
  site: string | null
  plcId: string | null
}

export type ErrorMessage = {
  type: 'error'
  code: ErrorCode
  message: string
  field?: string
  /** The request it answers (`subscribe`, `connect`…), with that request's filter. */
  request?: string
  filter?: FilterEcho
}

export function echo(f: { tenant?: string | null, site?: string | null, plcId?: string | null }): FilterEcho {
  return { tenant: f.tenant ?? null, site: f.site ?? null, plcId: f.plcId ?? null }
}

/** The first issue of a failed parse, as an INVALID_MESSAGE error naming the field. */
export function invalidMessage(error: z.ZodError): ErrorMessage {
  const issue = error.issues[0]
  const field = issue?.path.join('.') || undefined
  return { type: 'error', code: 'INVALID_MESSAGE', message: field ? `${field}: ${issue!.message}` : issue?.message ?? 'invalid message', field }
}
