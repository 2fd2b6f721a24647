import type { H3Event } from 'h3'
import type { AuthContext } from '../auth/types'
import type { Database } from '../db/client'

export interface TenantRef {
  tenantId: string
  tenant: string
}

/**
 * The tenant a write goes to: the caller's own, or — for a platform admin — the one named by
 * `tenant` (required then). A slug the caller cannot reach is a 404, as if it did not exist.
 */
export async function targetTenant(event: H3Event, db: Database, ctx: AuthContext, slug?: string): Promise<TenantRef> {
  if (!ctx.platformAdmin) {
    if (!ctx.tenantId || (slug && slug !== ctx.tenantSlug)) throw tenantNotFound(slug)
    return { tenantId: ctx.tenantId, tenant: ctx.tenantSlug! }
  }
  if (!slug) {
    throw createError({ statusCode: 422, statusMessage: 'Invalid request', message: 'tenant: required for a platform admin', data: { code: 'INVALID_QUERY', field: 'tenant' } })
  }
  const [row] = await db.sql.query<{ id: string }>('select id from tenants where slug = $1', [slug])
  if (!row) throw tenantNotFound(slug)
  return { tenantId: row.id, tenant: slug }
}

function tenantNotFound(slug?: string) {
  return createError({ statusCode: 404, statusMessage: 'Tenant not found', message: `Tenant "${slug ?? ''}" not found`, data: { code: 'TENANT_NOT_FOUND' } })
}
