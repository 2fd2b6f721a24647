import { createHash } from 'node:crypto'

/**
 * Merkle trees over entry hashes, RFC 6962 style domain separation (a leaf can never pass for a node):
 *   leaf = SHA-256(0x00 || entryHashBytes)          entryHashBytes: the 32 bytes of the hex `hash`
 *   node = SHA-256(0x01 || leftBytes || rightBytes)
 * Level by level, pairs are joined left to right; an odd last node moves up unchanged (it is not
 * paired with itself, which would let two different lists share a root). Hashes are lower-case hex.
 */

export interface ProofStep {
  /** Where the sibling sits: `left` means node = H(0x01 || sibling || current). */
  side: 'left' | 'right'
  hash: string
}

const sha256 = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest()
const LEAF = Buffer.from([0])
const NODE = Buffer.from([1])

/** The leaf of one entry hash. */
export function merkleLeaf(entryHashHex: string): string {
  return sha256(LEAF, Buffer.from(entryHashHex, 'hex')).toString('hex')
}

/** The parent of two nodes. */
export function merkleNode(leftHex: string, rightHex: string): string {
  return sha256(NODE, Buffer.from(leftHex, 'hex'), Buffer.from(rightHex, 'hex')).toString('hex')
}

function nextLevel(level: string[]): string[] {
  const up: string[] = []
  for (let i = 0; i < level.length; i += 2) up.push(i + 1 < level.length ? merkleNode(level[i]!, level[i + 1]!) : level[i]!)
  return up
}

/** The root over entry hashes in chain order; there is no root of nothing. */
export function merkleRoot(entryHashes: string[]): string {
  if (!entryHashes.length) throw new Error('merkleRoot: no entries')
  let level = entryHashes.map(merkleLeaf)
  while (level.length > 1) level = nextLevel(level)
  return level[0]!
}

/** The siblings from the leaf at `index` up to the root, bottom first. */
export function merkleProof(entryHashes: string[], index: number): ProofStep[] {
  if (index < 0 || index >= entryHashes.length) throw new Error('merkleProof: index out of range')
  const path: ProofStep[] = []
  let level = entryHashes.map(merkleLeaf)
  let i = index
  while (level.length > 1) {
    const sibling = i % 2 ? i - 1 : i + 1
    if (sibling < level.length) path.push({ side: i % 2 ? 'left' : 'right', hash: level[sibling]! })
    level = nextLevel(level)
    i = Math.floor(i / 2)
  }
  return path
}

/** True when `path` leads from this entry hash to `root`. */
export function verifyMerkleProof(entryHashHex: string, path: ProofStep[], root: string): boolean {
  let h = merkleLeaf(entryHashHex)
  for (const step of path) h = step.side === 'left' ? merkleNode(step.hash, h) : merkleNode(h, step.hash)
  return h === root
}
