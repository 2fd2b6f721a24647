import type { SqlClient } from '../db/client'
import type { Notary } from './notary'
import { getRoot, recordAnchor, sealChain, unsealedChains, type RootRecord } from './roots'

const ANCHOR_BATCH = 100

/** Roots the notary has not accepted yet, oldest first. */
function unanchoredRoots(sql: SqlClient): Promise<RootRecord[]> {
  return sql.query<RootRecord>(
    `select id, tenant_id::text as "tenantId", first_id as "firstId", last_id as "lastId", entries, root,
       floor(extract(epoch from sealed_at) * 1000)::float8 as "sealedAt", anchor, anchor_error as "anchorError"
     from audit_roots where anchor is null order by id limit ${ANCHOR_BATCH}`)
}

/** Sends roots to the notary and records each receipt or error; a failed one is tried again next run. */
export async function anchorPending(sql: SqlClient, notary: Notary): Promise<number> {
  let anchored = 0
  for (const r of await unanchoredRoots(sql)) {
    const payload = { rootId: r.id, tenantId: r.tenantId, firstId: r.firstId, lastId: r.lastId, entries: r.entries, root: r.root, sealedAt: r.sealedAt }
    try {
      await recordAnchor(sql, r.id, { receipt: await notary.anchor(payload) })
      anchored++
    } catch (err) {
      await recordAnchor(sql, r.id, { error: (err as Error).message })
    }
  }
  return anchored
}

/** Seals every chain with new entries (or just `chains`), then anchors what is pending; the new roots, as stored after anchoring. */
export async function sealAndAnchor(sql: SqlClient, notary: Notary | undefined, chains?: (string | null)[]): Promise<RootRecord[]> {
  const sealed: RootRecord[] = []
  for (const tenantId of chains ?? await unsealedChains(sql)) {
    const root = await sealChain(sql, tenantId)
    if (root) sealed.push(root)
  }
  if (!notary) return sealed
  await anchorPending(sql, notary)
  return (await Promise.all(sealed.map(r => getRoot(sql, r.id)))).filter((r): r is RootRecord => r !== undefined)
}
