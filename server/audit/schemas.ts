import { z } from 'zod'
import { epochMsJson } from '../admin/schemas'
import { idKey, pageOf, pageQuery } from '../admin/page'
import { instant, TenantQuery } from '../queries/schemas'

const name = z.string().min(1).max(128)

export const AuditListQuery = pageQuery(z.tuple([idKey])).extend({
  ...TenantQuery.shape,
  entity: name.optional().describe('e.g. plant, user, dashboard, widget, machine, gateway, persist_rule, tenant, dead_letter'),
  action: name.optional().describe('e.g. plant.create, user.update, alarm.raised'),
  from: instant.optional().describe('entries at or after'),
  to: instant.optional().describe('entries at or before')
})
export type AuditListQuery = z.output<typeof AuditListQuery>

export const AuditIdParams = z.object({ id: z.coerce.number().int().positive() })

export const AuditEntryJson = z.object({
  id: z.number().int(),
  tenant: z.string().nullable().describe('The chain: a tenant slug, or null for the platform chain'),
  actor: z.string().describe('`email (uid)` of the person, or the component that acted'),
  action: z.string(),
  entity: z.string(),
  entityId: z.string().nullable(),
  before: z.unknown().describe('The object before the change (null when created)'),
  after: z.unknown().describe('The object after the change (null when deleted)'),
  at: epochMsJson,
  prevHash: z.string().nullable(),
  hash: z.string().describe('SHA-256 (hex) of the RFC 8785 form of {prevHash, tenantId, actor, action, entity, entityId, before, after, at}')
})
export type AuditEntryJson = z.infer<typeof AuditEntryJson>
export const AuditPage = pageOf(AuditEntryJson)

export const VerifyResultJson = z.object({
  ok: z.boolean(),
  checked: z.number().int().describe('Entries found intact before the first break'),
  firstBroken: z.object({
    id: z.number().int(),
    reason: z.enum(['prev_hash_mismatch', 'hash_mismatch', 'root_mismatch']),
    rootId: z.number().int().optional()
  }).optional()
})

export const AuditRootJson = z.object({
  id: z.number().int(),
  tenantId: z.string().nullable(),
  firstId: z.number().int(),
  lastId: z.number().int(),
  entries: z.number().int(),
  root: z.string().describe('Merkle root (hex): leaf = SHA-256(0x00 || entry hash), node = SHA-256(0x01 || left || right), odd node moves up'),
  sealedAt: epochMsJson,
  anchor: z.unknown().describe('The notary\'s receipt; null until anchored'),
  anchorError: z.string().nullable()
})
export const SealResultJson = z.object({ roots: z.array(AuditRootJson) })

export const ProofJson = z.object({
  id: z.number().int(),
  hash: z.string(),
  index: z.number().int(),
  root: AuditRootJson,
  path: z.array(z.object({ side: z.enum(['left', 'right']), hash: z.string() }))
})
