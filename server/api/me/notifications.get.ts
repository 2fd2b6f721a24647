import { getPreferences } from '../../notifications/preferences'

/** The caller's notification preferences. */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'alarm:read')
  const platform = await usePlatform()
  const user = await requireTenantUser(platform.db.sql, ctx)
  return getPreferences(platform.db.sql, user.id, platform.notifications.notifier.kind)
})
