import type { AuthContext } from '../auth/types'
import type { SqlClient } from '../db/client'
import { userRow } from '../notifications/preferences'

/**
 * The caller's users-table row, for what is kept per user. 409 for a platform admin of no tenant:
 * alarms belong to tenants, so there is nothing to be notified of.
 */
export async function requireTenantUser(sql: SqlClient, ctx: AuthContext): Promise<{ id: string, tenantId: string }> {
  const row = await userRow(sql, ctx.uid)
  if (!row) throw notFoundError('USER_NOT_FOUND', 'You are not a user of the platform')
  if (!row.tenantId) throw conflictError('NO_TENANT', 'Notifications are per tenant; you belong to none')
  return { id: row.id, tenantId: row.tenantId }
}
