import { toPage, type Page, type PageRequest } from '../admin/page'
import { scopeClauses, whereAll } from '../admin/sql'
import type { SqlClient } from '../db/client'
import type { ReadScope } from '../queries/scope'
import { epochMs, sqlParams } from '../queries/sql'
import type { ExportJson } from './export-schemas'

export interface ExportFilter {
  site?: string
  from?: string
  to?: string
  format?: ExportJson['format']
}

const SELECT = `select x.id, t.slug as tenant, p.slug as site, to_char(x.day, 'YYYY-MM-DD') as day, x.format, x.store,
    x.object_key as "objectKey", x.rows::float8 as rows, x.bytes::float8 as bytes, x.sha256, x.status, x.error,
    ${epochMs('x.exported_at')} as "exportedAt", ${epochMs('x.verified_at')} as "verifiedAt"
  from cold_exports x join plants p on p.id = x.plant_id join tenants t on t.id = x.tenant_id`

const SCOPE = { tenantId: 'x.tenant_id', tenantSlug: 't.slug', plantId: 'x.plant_id' }

// Sort: newest day first, then tenant, plant, format; the day in text sorts as a date.
const KEY = [`to_char(x.day, 'YYYY-MM-DD')`, 't.slug', 'p.slug', 'x.format']

/** The cold-storage catalogue in the caller's scope, newest day first. */
export async function listExports(sql: SqlClient, scope: ReadScope, filter: ExportFilter, page: PageRequest): Promise<Page<ExportJson>> {
  const { p, values } = sqlParams()
  const where = scopeClauses(scope, p, SCOPE)
  if (filter.site) where.push(`p.slug = ${p(filter.site)}`)
  if (filter.from) where.push(`x.day >= ${p(filter.from)}::date`)
  if (filter.to) where.push(`x.day <= ${p(filter.to)}::date`)
  if (filter.format) where.push(`x.format = ${p(filter.format)}`)
  // Mixed directions: the day descends and the rest ascends, so the keyset is spelt out.
  if (page.after) {
    const [day, tenant, site, format] = page.after.map(v => p(v))
    where.push(`(${KEY[0]} < ${day} or (${KEY[0]} = ${day} and (t.slug, p.slug, x.format) > (${tenant}, ${site}, ${format})))`)
  }
  const rows = await sql.query<ExportJson>(`${SELECT} ${whereAll(where)} order by x.day desc, t.slug, p.slug, x.format limit ${p(page.limit + 1)}`, values)
  return toPage(rows, page.limit, r => [r.day, r.tenant, r.site, r.format], r => r)
}

/** One catalogue entry in the caller's scope. */
export async function getExport(sql: SqlClient, scope: ReadScope, id: string): Promise<ExportJson | undefined> {
  const { p, values } = sqlParams()
  const [row] = await sql.query<ExportJson>(`${SELECT} ${whereAll([`x.id = ${p(id)}`, ...scopeClauses(scope, p, SCOPE)])}`, values)
  return row
}
