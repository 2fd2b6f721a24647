import type { H3Event } from 'h3'
import type { AuthContext } from '../auth/types'
import type { Database } from '../db/client'

/**
 * The chain a verify or seal request means: the caller's tenant's (a `?tenant=` naming another one
 * is a 404, as if it did not exist), or for a platform admin the named tenant's, and without a
 * name the platform chain (tenant_id null). Returns the tenant id, null for the platform chain.
 */
export async function auditChain(event: H3Event, db: Database, ctx: AuthContext, slug?: string): Promise<string | null> {
  if (ctx.platformAdmin && !slug) return null
  return (await targetTenant(event, db, ctx, slug)).tenantId
}
