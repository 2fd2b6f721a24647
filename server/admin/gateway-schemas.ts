import { z } from 'zod'
import { idKey, pageOf, pageQuery, textKey } from './page'
import { displayName, epochMsJson, slug, someField } from './schemas'
import { instant, TenantQuery } from '../queries/schemas'

/** `gatewayId` is the gateway's thing name, as in topics, PLCs and live events; unique per tenant. */
export const GatewayParams = z.object({ gatewayId: slug })
export const GatewayListQuery = pageQuery(z.tuple([textKey, textKey, textKey])).extend({
  ...TenantQuery.shape,
  site: slug.optional(),
  status: z.enum(['unknown', 'online', 'offline']).optional(),
  approval: z.enum(['pending', 'active', 'rejected']).optional()
})
export const GatewayHistoryQuery = pageQuery(z.tuple([idKey])).extend({
  ...TenantQuery.shape,
  from: instant.optional().describe('only transitions at or after this time'),
  to: instant.optional().describe('only transitions at or before this time (with limit=1: the status in force at `to`)')
}).refine(q => q.from === undefined || q.to === undefined || q.from <= q.to, { path: ['from'], message: 'from must not be after to' })
export const GatewayPatchBody = z.object({
  name: displayName.nullable().optional().describe('null clears it'),
  approval: z.enum(['active', 'rejected']).optional().describe('Approve (claim) or reject a gateway the ingest registered as pending')
}).refine(someField, { path: ['name'], message: 'give name and/or approval' })

export const GatewayJson = z.object({
  gatewayId: z.string(),
  name: z.string().nullable(),
  site: z.string(),
  tenant: z.string(),
  approval: z.enum(['pending', 'active', 'rejected']),
  status: z.enum(['unknown', 'online', 'offline']),
  statusReason: z.string().nullable(),
  statusChangedAt: epochMsJson.nullable(),
  /** Receive time of its last message of any kind. */
  lastSeenAt: epochMsJson.nullable(),
  lastHeartbeatAt: epochMsJson.nullable(),
  health: z.record(z.string(), z.unknown()).nullable().describe('internet, mqtt, plcLink, bufferMode, queuedMessages, version, uptimeSec'),
  machines: z.number().int().describe('PLCs whose messages came through it'),
  createdAt: epochMsJson
})
export type GatewayJson = z.infer<typeof GatewayJson>
export const GatewayPage = pageOf(GatewayJson)

export const GatewayDetailJson = GatewayJson.extend({
  plcs: z.array(z.object({ plcId: z.string(), site: z.string(), name: z.string().nullable(), status: z.enum(['pending', 'active', 'rejected']) }))
})
export type GatewayDetailJson = z.infer<typeof GatewayDetailJson>

export const GatewayStatusJson = z.object({
  id: z.number().int(),
  status: z.enum(['online', 'offline']),
  reason: z.string().nullable(),
  at: epochMsJson
})
export type GatewayStatusJson = z.infer<typeof GatewayStatusJson>
export const GatewayStatusPage = pageOf(GatewayStatusJson)
