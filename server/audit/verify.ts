import type { SqlClient } from '../db/client'
import { chainPage, type StoredEntry } from './entries'
import { entryHash } from './hash'
import { merkleRoot } from './merkle'
import { chainRoots, type RootRecord } from './roots'

/**
 * Why an entry breaks its chain. `prev_hash_mismatch`: it does not follow the entry before it (one
 * was deleted, inserted or moved). `hash_mismatch`: its fields were changed after it was written.
 * `root_mismatch`: the entries a sealed root covers no longer give that root (entries removed from
 * its end, or the whole run rewritten with fresh hashes); the id is the root's first entry.
 */
export type BreakReason = 'prev_hash_mismatch' | 'hash_mismatch' | 'root_mismatch'

export interface VerifyResult {
  ok: boolean
  /** Entries found intact before the first break (all of them when ok). */
  checked: number
  firstBroken?: { id: number, reason: BreakReason, rootId?: number }
}

const PAGE = 1000

/** What is wrong with `e` as the successor of the entry whose hash is `prevHash`, if anything. */
function entryBreak(e: StoredEntry, prevHash: string | null): BreakReason | undefined {
  if (e.prevHash !== prevHash) return 'prev_hash_mismatch'
  if (entryHash(e) !== e.hash) return 'hash_mismatch'
  return undefined
}

/** Checks a sealed root against the entries that are stored for its range now. */
function rootBreak(root: RootRecord, hashes: string[]): VerifyResult['firstBroken'] {
  if (hashes.length === root.entries && merkleRoot(hashes) === root.root) return undefined
  return { id: root.firstId, reason: 'root_mismatch', rootId: root.id }
}

/**
 * Recomputes one chain (a tenant's, or the platform chain for null) from its first entry, in pages,
 * and checks every sealed root on the way; stops at the first break.
 */
export async function verifyChain(sql: SqlClient, tenantId: string | null): Promise<VerifyResult> {
  const roots = await chainRoots(sql, tenantId)
  let r = 0
  let sealed: string[] = []
  let prevHash: string | null = null
  let checked = 0
  let afterId = 0
  // Roots whose range ends before `id` are complete: compare them before going on.
  const closeRootsBefore = (id: number) => {
    for (; r < roots.length && roots[r]!.lastId < id; r++, sealed = []) {
      const broken = rootBreak(roots[r]!, sealed)
      if (broken) return broken
    }
    return undefined
  }
  for (;;) {
    const page = await chainPage(sql, tenantId, afterId, PAGE)
    for (const e of page) {
      const rootBroken = closeRootsBefore(e.id)
      if (rootBroken) return { ok: false, checked, firstBroken: rootBroken }
      const reason = entryBreak(e, prevHash)
      if (reason) return { ok: false, checked, firstBroken: { id: e.id, reason } }
      if (r < roots.length && e.id >= roots[r]!.firstId) sealed.push(e.hash)
      prevHash = e.hash
      checked++
    }
    if (page.length < PAGE) break
    afterId = page[page.length - 1]!.id
  }
  const rootBroken = closeRootsBefore(Number.POSITIVE_INFINITY)
  return rootBroken ? { ok: false, checked, firstBroken: rootBroken } : { ok: true, checked }
}
