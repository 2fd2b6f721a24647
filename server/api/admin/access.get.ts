import { grantedActions } from '../../auth/policy'
import { listSites } from '../../queries/sites'

/** Who the caller is to the platform (seed 000): tenant, role, the plants they see, what they may do. */
export default defineEventHandler(async (event) => {
  const ctx = useAuth(event)
  const { db } = await usePlatform()
  return {
    uid: ctx.uid,
    email: ctx.email,
    tenant: ctx.tenantSlug,
    role: ctx.role,
    platformAdmin: ctx.platformAdmin,
    allPlants: readScope(ctx).plantIds === undefined,
    sites: await listSites(db, readScope(ctx)),
    permissions: grantedActions(ctx)
  }
})
