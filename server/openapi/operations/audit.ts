import { AuditIdParams, AuditListQuery, AuditPage, ProofJson, SealResultJson, VerifyResultJson } from '../../audit/schemas'
import { TenantQuery } from '../../queries/schemas'
import type { Operation } from '../operation'

const tag = 'Audit'

export const operations: Operation[] = [
  { method: 'get', path: '/api/audit', summary: 'Audit entries (admin changes, critical alarms), newest first', tag, permission: 'audit:read', query: AuditListQuery, response: AuditPage },
  { method: 'get', path: '/api/audit/verify', summary: 'Recompute a chain; names the first broken entry (platform admins without tenant: the platform chain)', tag, permission: 'audit:read', query: TenantQuery, response: VerifyResultJson },
  { method: 'post', path: '/api/audit/roots', summary: 'Seal the chain\'s new entries into a Merkle root now and anchor it', tag, permission: 'audit:seal', query: TenantQuery, response: SealResultJson },
  { method: 'get', path: '/api/audit/{id}/proof', summary: 'Inclusion proof: the Merkle path from an entry to its root', tag, permission: 'audit:read', params: AuditIdParams, response: ProofJson }
]
