import { sealAndAnchor } from '../../audit/sealer'
import { TenantQuery } from '../../queries/schemas'

/** Seals the chain's entries since its last root now (and anchors pending roots); `roots` is empty when there were none. */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'audit:seal')
  const { tenant } = await validQuery(event, TenantQuery)
  const platform = await usePlatform()
  const chain = await auditChain(event, platform.db, ctx, tenant)
  return { roots: await sealAndAnchor(platform.db.sql, platform.notary, [chain]) }
})
