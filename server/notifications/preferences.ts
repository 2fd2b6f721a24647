import { appendAudit } from '../audit/append'
import { pgArray } from '../admin/sql'
import type { SqlClient } from '../db/client'
import { epochMs } from '../queries/sql'
import type { PreferencesInput, PreferencesJson } from './preference-schemas'
import { ALL_SEVERITIES } from './schemas'
import { siteSlugs } from './sites'

/** The users-table row of a signed-in user (preferences are kept per row, not per Firebase uid). */
export async function userRow(sql: SqlClient, firebaseUid: string): Promise<{ id: string, tenantId: string | null } | undefined> {
  const [row] = await sql.query<{ id: string, tenantId: string | null }>('select id, tenant_id as "tenantId" from users where firebase_uid = $1', [firebaseUid])
  return row
}

/** A user's preferences; without a row, the default: nothing notifies them. */
export async function getPreferences(sql: SqlClient, userId: string, channel: string): Promise<PreferencesJson> {
  const [row] = await sql.query<Omit<PreferencesJson, 'channel'>>(
    `select enabled, severities, ${siteSlugs('plant_ids')} as sites, events, ${epochMs('updated_at')} as "updatedAt"
     from notification_preferences where user_id = $1`, [userId])
  return row ? { ...row, channel } : { enabled: false, severities: ALL_SEVERITIES, sites: [], events: ['raised'], channel, updatedAt: null }
}

/** Replaces a user's preferences, recorded on their tenant's audit chain. */
export function setPreferences(sql: SqlClient, actor: string, user: { id: string, tenantId: string }, input: PreferencesInput, plantIds: string[], channel: string): Promise<PreferencesJson> {
  return sql.transaction(async (tx) => {
    await tx.query(
      `insert into notification_preferences (user_id, enabled, severities, plant_ids, events) values ($1, $2, $3::text[], $4::uuid[], $5::text[])
       on conflict (user_id) do update set enabled = excluded.enabled, severities = excluded.severities, plant_ids = excluded.plant_ids,
         events = excluded.events, updated_at = now()`,
      [user.id, input.enabled, pgArray(input.severities), pgArray(plantIds), pgArray(input.events)])
    const after = await getPreferences(tx, user.id, channel)
    await appendAudit(tx, { tenantId: user.tenantId, actor, action: 'notification_preferences.set', entity: 'user', entityId: user.id, after })
    return after
  })
}
