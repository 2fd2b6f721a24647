import { and, asc, eq, type SQL } from 'drizzle-orm'
import type { Database } from '../db/client'
import { plants, tenants } from '../db/schema'
import { scopeConditions, type ReadScope } from './scope'

export interface SiteJson {
  site: string
  name: string
  province: string
  tenant: string
}

/** Plants in the caller's scope, optionally with one slug, ordered by tenant then site. */
export async function listSites(db: Database, scope: ReadScope, where: { site?: string } = {}): Promise<SiteJson[]> {
  const filters: SQL[] = scopeConditions(scope)
  if (where.site) filters.push(eq(plants.slug, where.site))
  return db.orm
    .select({ site: plants.slug, name: plants.name, province: plants.province, tenant: tenants.slug })
    .from(plants)
    .innerJoin(tenants, eq(tenants.id, plants.tenantId))
    .where(and(...filters))
    .orderBy(asc(tenants.slug), asc(plants.slug))
}
