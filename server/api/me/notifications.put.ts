import { actorOf } from '../../audit/actor'
import { setPreferences } from '../../notifications/preferences'
import { PreferencesBody } from '../../notifications/preference-schemas'
import { resolveSites } from '../../notifications/sites'

/** Sets which alarms notify the caller: severities, transitions and plants among those they may see. */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'alarm:read')
  const body = await validBody(event, PreferencesBody)
  const platform = await usePlatform()
  const user = await requireTenantUser(platform.db.sql, ctx)
  const sites = await resolveSites(platform.db.sql, user.tenantId, body.sites, readScope(ctx).plantIds)
  if ('unknown' in sites) throw invalidField('sites', `not among your sites: ${sites.unknown.join(', ')}`)
  return setPreferences(platform.db.sql, actorOf(ctx), user, body, sites.ids, platform.notifications.notifier.kind)
})
