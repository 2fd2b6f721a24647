import { actorOf } from '../../audit/actor'
import { deleteTenant } from '../../admin/tenants'
import { TenantDeleteQuery, TenantParams } from '../../admin/tenant-schemas'

/** Deletes a tenant and all it owns (platform admins only); one with plants needs `?force=true`. */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'tenant:manage')
  const { tenant } = await validParams(event, TenantParams)
  const { force } = await validQuery(event, TenantDeleteQuery)
  const platform = await usePlatform()
  const deletion = await deleteTenant(platform.db.sql, actorOf(ctx), tenant, force)
  if (deletion.outcome === 'not_found') throw notFoundError('TENANT_NOT_FOUND', `Tenant "${tenant}" not found`)
  if (deletion.outcome === 'not_empty') throw conflictError('TENANT_NOT_EMPTY', `Tenant "${tenant}" has plants; delete them first or pass ?force=true`)
  platform.refsChanged()
  platform.persistRulesChanged(deletion.tenantId)
  platform.usersChanged()
  return noContent(event)
})
