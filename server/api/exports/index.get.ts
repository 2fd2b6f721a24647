import { pageRequest } from '../../admin/page'
import { ExportListQuery } from '../../cold/export-schemas'
import { listExports } from '../../cold/list'

/** The cold-storage catalogue: archived files per plant and day, newest day first. */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'cold_export:read')
  const query = await validQuery(event, ExportListQuery)
  const { db } = await usePlatform()
  return listExports(db.sql, readScope(ctx, query.tenant), query, pageRequest(query))
})
