import { pageRequest } from '../../admin/page'
import { listDeliveries } from '../../notifications/delivery-log'
import { DeliveryListQuery } from '../../notifications/delivery-log-schemas'

/** The delivery log: every notification, newest first, with each attempt's status, error and duration. */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'notification:manage')
  const query = await validQuery(event, DeliveryListQuery)
  const { db } = await usePlatform()
  const { tenantId } = await targetTenant(event, db, ctx, query.tenant)
  return listDeliveries(db.sql, tenantId, query, pageRequest(query))
})
