import type { SqlClient } from '../db/client'
import type { ReadScope } from '../queries/scope'
import { epochMs, sqlParams } from '../queries/sql'
import type { DeadLetterDetailJson, DeadLetterJson } from './dead-letter-schemas'
import { toPage, type Page, type PageRequest } from './page'
import { afterKey, pgArray, scopeClauses, whereAll } from './sql'

export interface DeadLetterFilter {
  reason?: DeadLetterJson['reason']
  replayed?: boolean
}

/** Characters of the payload shown as text. */
const PREVIEW_CHARS = 4096

const COLUMNS = `d.id, coalesce(t.slug, d.tenant_slug) as tenant, d.tenant_id is not null as "knownTenant", d.topic, d.reason, d.detail,
    octet_length(d.payload) as "payloadBytes", ${epochMs('d.received_at')} as "receivedAt", ${epochMs('d.replayed_at')} as "replayedAt",
    d.replay_count as "replayCount"`
const FROM = 'from dead_letters d left join tenants t on t.id = d.tenant_id'

/**
 * The caller's scope on dead letters: their tenant's (`tenant_id`). A platform admin sees all of
 * them, also those naming no known tenant, and `?tenant=` matches the slug the topic used.
 */
function conditions(scope: ReadScope, p: (value: unknown) => string): string[] {
  return scopeClauses(scope, p, { tenantId: 'd.tenant_id', tenantSlug: 'coalesce(t.slug, d.tenant_slug)' })
}

/** Dead letters in the caller's scope, newest first, without their payloads. */
export async function listDeadLetters(sql: SqlClient, scope: ReadScope, filter: DeadLetterFilter, page: PageRequest): Promise<Page<DeadLetterJson>> {
  const { p, values } = sqlParams()
  const where = conditions(scope, p)
  if (filter.reason) where.push(`d.reason = ${p(filter.reason)}`)
  if (filter.replayed !== undefined) where.push(filter.replayed ? 'd.replay_count > 0' : 'd.replay_count = 0')
  where.push(...afterKey(['d.id'], page.after, p, true))
  const rows = await sql.query<DeadLetterJson>(`select ${COLUMNS} ${FROM} ${whereAll(where)} order by d.id desc limit ${p(page.limit + 1)}`, values)
  return toPage(rows, page.limit, r => [r.id], r => r)
}

/** One dead letter with its payload: base64, and as text when it is UTF-8. */
export async function getDeadLetter(sql: SqlClient, scope: ReadScope, id: number): Promise<DeadLetterDetailJson | undefined> {
  const { p, values } = sqlParams()
  const [row] = await sql.query<DeadLetterJson & { payload: Uint8Array }>(
    `select ${COLUMNS}, d.payload ${FROM} ${whereAll([`d.id = ${p(id)}`, ...conditions(scope, p)])}`, values)
  if (!row) return undefined
  const { payload, ...letter } = row
  const bytes = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength)
  return { ...letter, payloadBase64: bytes.toString('base64'), payloadPreview: utf8(bytes)?.slice(0, PREVIEW_CHARS) ?? null }
}

function utf8(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    return undefined
  }
}

/** The ids among `ids` that are dead letters in the caller's scope. */
export async function visibleDeadLetterIds(sql: SqlClient, scope: ReadScope, ids: number[]): Promise<number[]> {
  const { p, values } = sqlParams()
  const where = [`d.id = any(${p(pgArray(ids.map(String)))}::bigint[])`, ...conditions(scope, p)]
  const rows = await sql.query<{ id: number }>(`select d.id ${FROM} ${whereAll(where)} order by d.id`, values)
  return rows.map(r => r.id)
}
