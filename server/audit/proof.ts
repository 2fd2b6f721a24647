import type { SqlClient } from '../db/client'
import { chainHashes } from './entries'
import { merkleProof, type ProofStep } from './merkle'
import { rootCovering, type RootRecord } from './roots'

export interface InclusionProof {
  id: number
  hash: string
  /** Position of the entry among the root's leaves (0 = its first entry). */
  index: number
  root: RootRecord
  /** Siblings from the leaf up; check with verifyMerkleProof(hash, path, root.root). */
  path: ProofStep[]
}

/**
 * The path from an entry to the root that sealed it; 'not_sealed' until a root covers it. Built from
 * the entries stored now: if they were tampered with, the path leads to another root than the stored one.
 */
export async function inclusionProof(sql: SqlClient, entry: { id: number, tenantId: string | null, hash: string }): Promise<InclusionProof | 'not_sealed'> {
  const root = await rootCovering(sql, entry.tenantId, entry.id)
  if (!root) return 'not_sealed'
  const leaves = await chainHashes(sql, entry.tenantId, root.firstId, root.lastId)
  const index = leaves.findIndex(l => l.id === entry.id)
  return { id: entry.id, hash: entry.hash, index, root, path: merkleProof(leaves.map(l => l.hash), index) }
}
