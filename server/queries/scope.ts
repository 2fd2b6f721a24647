import { eq, inArray, type SQL } from 'drizzle-orm'
import { plants, tenants } from '../db/schema'

/**
 * What a caller may read, applied by every query (SPEC §9): their tenant and, unless they see every
 * plant, a list of plant ids. `tenant` is the `?tenant=` slug a platform admin narrows with.
 */
export interface ReadScope {
  tenantId?: string
  plantIds?: string[]
  tenant?: string
}

/** The scope as drizzle conditions on `tenants` and `plants`. */
export function scopeConditions(scope: ReadScope): SQL[] {
  const out: SQL[] = []
  if (scope.tenantId) out.push(eq(plants.tenantId, scope.tenantId))
  if (scope.plantIds) out.push(inArray(plants.id, scope.plantIds))
  if (scope.tenant) out.push(eq(tenants.slug, scope.tenant))
  return out
}
