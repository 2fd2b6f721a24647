import { pageRequest } from '../../admin/page'
import { listEndpoints } from '../../notifications/endpoints'
import { EndpointListQuery } from '../../notifications/endpoint-schemas'

/** The tenant's webhook endpoints, by name; secrets are never listed. */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'notification:manage')
  const query = await validQuery(event, EndpointListQuery)
  const { db } = await usePlatform()
  const { tenantId } = await targetTenant(event, db, ctx, query.tenant)
  return listEndpoints(db.sql, tenantId, pageRequest(query))
})
