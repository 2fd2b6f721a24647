import { and, eq } from 'drizzle-orm'
import type { Orm } from '../db/client'
import { plants, tenants } from '../db/schema'
import type { SiteLookup } from './site-directory'

/** Slug lookups against the tenants and plants tables (a site slug is unique within its tenant). */
export function ormSiteLookup(orm: Orm): SiteLookup {
  return {
    async plant(tenant, site) {
      const rows = await orm
        .select({ tenantId: plants.tenantId, plantId: plants.id })
        .from(plants)
        .innerJoin(tenants, eq(tenants.id, plants.tenantId))
        .where(and(eq(tenants.slug, tenant), eq(plants.slug, site)))
        .limit(1)
      return rows[0] ?? null
    },
    async tenantId(tenant) {
      const rows = await orm.select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, tenant)).limit(1)
      return rows[0]?.id ?? null
    }
  }
}
