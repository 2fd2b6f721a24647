import { actorOf } from '../../audit/actor'
import { createUser, type UserCreation } from '../../admin/users'
import { UserCreateBody } from '../../admin/user-schemas'

function refused(c: Exclude<UserCreation, { outcome: 'created' }>) {
  switch (c.outcome) {
    case 'unknown_plants': return invalidField('plants', `no such site in this tenant: ${c.unknown.join(', ')}`)
    case 'invalid': return invalidField(c.field, c.message)
    case 'user_exists': return conflictError('USER_EXISTS', 'This email belongs to a user of the platform already')
    case 'account_exists': return conflictError('ACCOUNT_EXISTS', 'A sign-in account exists for this email: invite it without a password')
    case 'provider_error': return authProviderError(c.message)
  }
}

/**
 * Invites a user into a tenant: a Firebase account (with the password given, or none and a link to
 * set one) and their role and plant access. Nobody becomes a platform admin this way.
 */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'user:manage')
  const { tenant, ...user } = await validBody(event, UserCreateBody)
  const platform = await usePlatform()
  const { tenantId } = await targetTenant(event, platform.db, ctx, tenant)
  const created = await createUser(platform.db.sql, platform.auth.firebase.auth, actorOf(ctx), { tenantId, ...user })
  if (created.outcome !== 'created') throw refused(created)
  platform.usersChanged(created.firebaseUid)
  setResponseStatus(event, 201)
  return { user: created.user, passwordResetLink: created.passwordResetLink }
})
