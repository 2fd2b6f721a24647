import { actorOf } from '../../audit/actor'
import { createTenant } from '../../admin/tenants'
import { TenantCreateBody } from '../../admin/tenant-schemas'

/** Creates a tenant (platform admins only); its gateways' messages stop being dead-lettered as `unknown_tenant`. */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'tenant:manage')
  const body = await validBody(event, TenantCreateBody)
  const platform = await usePlatform()
  const tenant = await createTenant(platform.db.sql, actorOf(ctx), body)
  if (!tenant) throw conflictError('TENANT_EXISTS', `Tenant "${body.tenant}" exists already`)
  platform.refsChanged()
  setResponseStatus(event, 201)
  return tenant
})
