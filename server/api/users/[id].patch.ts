import { actorOf } from '../../audit/actor'
import { updateUser } from '../../admin/users'
import { UserParams, UserPatchBody } from '../../admin/user-schemas'

/** Changes a user's role and/or plant access; takes effect at their next request. */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'user:manage')
  const { id } = await validParams(event, UserParams)
  const change = await validBody(event, UserPatchBody)
  const platform = await usePlatform()
  const update = await updateUser(platform.db.sql, actorOf(ctx), userScope(ctx), id, change)
  if (update.outcome === 'not_found') throw notFoundError('USER_NOT_FOUND', 'User not found')
  if (update.outcome === 'last_admin') throw conflictError('LAST_ADMIN', 'This is the tenant\'s last admin; make someone else admin first')
  if (update.outcome === 'admin_plants') throw invalidField('plants', 'an admin sees every plant; give "all" or another role')
  if (update.outcome === 'unknown_plants') throw invalidField('plants', `no such site in this tenant: ${update.unknown.join(', ')}`)
  // No uid: a user invited outside the API who never signed in; dropping every cached user is cheap.
  platform.usersChanged(update.firebaseUid ?? undefined)
  return update.user
})
