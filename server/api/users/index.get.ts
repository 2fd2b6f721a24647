import { pageRequest } from '../../admin/page'
import { listUsers } from '../../admin/users'
import { UserListQuery } from '../../admin/user-schemas'

/** The users of the caller's tenant (platform admins: of every tenant), with role and plant access. */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'user:manage')
  const query = await validQuery(event, UserListQuery)
  const { db } = await usePlatform()
  return listUsers(db.sql, userScope(ctx, query.tenant), query, pageRequest(query))
})
