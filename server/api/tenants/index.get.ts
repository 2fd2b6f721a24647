import { listTenants } from '../../admin/tenants'
import { TenantListQuery } from '../../admin/tenant-schemas'
import { pageRequest } from '../../admin/page'

/** Every tenant (platform admins only), by slug. */
export default defineEventHandler(async (event) => {
  requirePermission(event, 'tenant:manage')
  const query = await validQuery(event, TenantListQuery)
  const { db } = await usePlatform()
  return listTenants(db.sql, pageRequest(query))
})
