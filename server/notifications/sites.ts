import { pgArray } from '../admin/sql'
import type { SqlClient } from '../db/client'

/** Plant ids of site slugs inside one tenant (and, if given, among `visible` plant ids); `unknown`: those that are not. */
export async function resolveSites(sql: SqlClient, tenantId: string, sites: string[], visible?: string[]): Promise<{ ids: string[] } | { unknown: string[] }> {
  if (!sites.length) return { ids: [] }
  const rows = await sql.query<{ id: string, slug: string }>('select id, slug from plants where tenant_id = $1 and slug = any($2::text[])', [tenantId, pgArray(sites)])
  const seen = rows.filter(r => !visible || visible.includes(r.id))
  const unknown = sites.filter(s => !seen.some(r => r.slug === s))
  return unknown.length ? { unknown } : { ids: seen.map(r => r.id) }
}

/** SQL for the site slugs of a plant-id array column, in slug order. */
export const siteSlugs = (column: string) => `array(select p.slug from plants p where p.id = any(${column}) order by p.slug)`
