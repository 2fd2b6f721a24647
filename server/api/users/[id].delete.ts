import { actorOf } from '../../audit/actor'
import { deleteUser } from '../../admin/users'
import { UserParams } from '../../admin/user-schemas'

/** Removes a user from the platform and deletes their sign-in account. */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'user:manage')
  const { id } = await validParams(event, UserParams)
  const platform = await usePlatform()
  const deletion = await deleteUser(platform.db.sql, platform.auth.firebase.auth, actorOf(ctx), userScope(ctx), id)
  if (deletion.outcome === 'not_found') throw notFoundError('USER_NOT_FOUND', 'User not found')
  if (deletion.outcome === 'last_admin') throw conflictError('LAST_ADMIN', 'This is the tenant\'s last admin; make someone else admin first')
  platform.usersChanged(deletion.firebaseUid ?? undefined)
  return noContent(event)
})
