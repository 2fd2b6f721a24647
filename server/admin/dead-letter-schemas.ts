import { z } from 'zod'
import { deadLetterReasons } from '../ingest/messages'
import { idKey, pageOf, pageQuery } from './page'
import { epochMsJson, queryFlag } from './schemas'
import { TenantQuery } from '../queries/schemas'

export const DeadLetterParams = z.object({ id: z.coerce.number().int().positive() })
export const DeadLetterListQuery = pageQuery(z.tuple([idKey])).extend({
  ...TenantQuery.shape,
  reason: z.enum(deadLetterReasons).optional(),
  replayed: queryFlag.optional().describe('true: only those replayed at least once; false: only those never replayed')
})
export const DeadLetterReplayBody = z.object({
  ids: z.array(z.number().int().positive()).min(1).max(1000).transform(ids => [...new Set(ids)])
})

export const DeadLetterJson = z.object({
  id: z.number().int(),
  tenant: z.string().nullable().describe('The tenant the topic named, known or not'),
  knownTenant: z.boolean().describe('false: the topic named no tenant of the platform (unknown_tenant, or no tenant at all)'),
  topic: z.string(),
  reason: z.enum(deadLetterReasons),
  detail: z.string().nullable(),
  payloadBytes: z.number().int(),
  receivedAt: epochMsJson,
  replayedAt: epochMsJson.nullable(),
  replayCount: z.number().int()
})
export type DeadLetterJson = z.infer<typeof DeadLetterJson>
export const DeadLetterPage = pageOf(DeadLetterJson)

export const DeadLetterDetailJson = DeadLetterJson.extend({
  payloadBase64: z.string().describe('The payload exactly as received'),
  payloadPreview: z.string().nullable().describe('Its start as text, when it is valid UTF-8')
})
export type DeadLetterDetailJson = z.infer<typeof DeadLetterDetailJson>

export const ReplayResultJson = z.object({
  replayed: z.number().int().describe('Fed back into the ingest'),
  stored: z.number().int().describe('Of those, stored this time; the others are dead letters again, as new rows'),
  notFound: z.number().int().describe('Ids that are no dead letter the caller may see'),
  outcomes: z.array(z.object({
    id: z.number().int(),
    outcome: z.enum(['stored', 'dead_lettered']),
    reason: z.enum(deadLetterReasons).optional().describe('Why it failed again (it is a new dead letter with this reason)'),
    detail: z.string().optional()
  })).describe('Per replayed dead letter, in id order')
})
