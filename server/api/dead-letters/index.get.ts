import { listDeadLetters } from '../../admin/dead-letters'
import { DeadLetterListQuery } from '../../admin/dead-letter-schemas'
import { pageRequest } from '../../admin/page'

/** Messages the ingest could not store, newest first (platform admins also see those of unknown tenants). */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'dead_letter:read')
  const query = await validQuery(event, DeadLetterListQuery)
  const { db } = await usePlatform()
  return listDeadLetters(db.sql, readScope(ctx, query.tenant), query, pageRequest(query))
})
