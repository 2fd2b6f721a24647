import { actorOf } from '../../audit/actor'
import { renameTenant } from '../../admin/tenants'
import { TenantParams, TenantPatchBody } from '../../admin/tenant-schemas'

/** Renames a tenant (platform admins only); its slug stays, it is in every topic. */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'tenant:manage')
  const { tenant } = await validParams(event, TenantParams)
  const { name } = await validBody(event, TenantPatchBody)
  const { db } = await usePlatform()
  const renamed = await renameTenant(db.sql, actorOf(ctx), tenant, name)
  if (!renamed) throw notFoundError('TENANT_NOT_FOUND', `Tenant "${tenant}" not found`)
  return renamed
})
