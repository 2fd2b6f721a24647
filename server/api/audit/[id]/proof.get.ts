import { findAuditEntry } from '../../../audit/list'
import { inclusionProof } from '../../../audit/proof'
import { AuditIdParams } from '../../../audit/schemas'

/** The Merkle path from an entry to the root that sealed it; 409 until a root covers it. */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'audit:read')
  const { id } = await validParams(event, AuditIdParams)
  const { db } = await usePlatform()
  const entry = await findAuditEntry(db.sql, readScope(ctx), id)
  if (!entry) throw notFoundError('AUDIT_ENTRY_NOT_FOUND', 'Audit entry not found')
  const proof = await inclusionProof(db.sql, entry)
  if (proof === 'not_sealed') throw conflictError('AUDIT_NOT_SEALED', 'No root covers this entry yet: seal the chain first (POST /api/audit/roots)')
  return proof
})
