import { toPage, type Page, type PageRequest } from '../admin/page'
import { afterKey, scopeClauses, whereAll } from '../admin/sql'
import type { SqlClient } from '../db/client'
import type { ReadScope } from '../queries/scope'
import { sqlParams } from '../queries/sql'
import { ENTRY_COLUMNS, type StoredEntry } from './entries'
import type { AuditEntryJson } from './schemas'

export interface AuditFilter {
  entity?: string
  action?: string
  from?: number
  to?: number
}

type EntryRow = StoredEntry & { tenant: string | null }

const FROM = 'from audit_log a left join tenants t on t.id = a.tenant_id'

// Audit entries are tenant-wide, not plant-owned: the scope is the tenant (a platform admin: all chains).
const scoped = (scope: ReadScope, p: (v: unknown) => string) => scopeClauses({ tenantId: scope.tenantId, tenant: scope.tenant }, p, { tenantId: 'a.tenant_id', tenantSlug: 't.slug' })

const toJson = ({ tenantId: _tenantId, ...e }: EntryRow): AuditEntryJson => e

/** Entries in the caller's scope, newest first. */
export async function listAudit(sql: SqlClient, scope: ReadScope, filter: AuditFilter, page: PageRequest): Promise<Page<AuditEntryJson>> {
  const { p, values } = sqlParams()
  const where = scoped(scope, p)
  if (filter.entity) where.push(`a.entity = ${p(filter.entity)}`)
  if (filter.action) where.push(`a.action = ${p(filter.action)}`)
  if (filter.from !== undefined) where.push(`a.at >= ${p(new Date(filter.from).toISOString())}::timestamptz`)
  if (filter.to !== undefined) where.push(`a.at <= ${p(new Date(filter.to).toISOString())}::timestamptz`)
  where.push(...afterKey(['a.id'], page.after, p, true))
  const rows = await sql.query<EntryRow>(`select ${ENTRY_COLUMNS}, t.slug as tenant ${FROM} ${whereAll(where)} order by a.id desc limit ${p(page.limit + 1)}`, values)
  return toPage(rows, page.limit, r => [r.id], toJson)
}

/** One entry in the caller's scope. */
export async function findAuditEntry(sql: SqlClient, scope: ReadScope, id: number): Promise<StoredEntry | undefined> {
  const { p, values } = sqlParams()
  const [row] = await sql.query<StoredEntry>(`select ${ENTRY_COLUMNS} ${FROM} ${whereAll([`a.id = ${p(id)}`, ...scoped(scope, p)])}`, values)
  return row
}
