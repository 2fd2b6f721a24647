import { listGateways } from '../../admin/gateways'
import { GatewayListQuery } from '../../admin/gateway-schemas'
import { pageRequest } from '../../admin/page'

/** The gateways the caller may see, with status, last seen time and health; filters: site, status, approval. */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'gateway:read')
  const query = await validQuery(event, GatewayListQuery)
  const { db } = await usePlatform()
  return listGateways(db.sql, readScope(ctx, query.tenant), query, pageRequest(query))
})
