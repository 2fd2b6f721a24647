/** What a notary is given to keep: enough to find the root again and check it against the chain. */
export interface AnchorPayload {
  rootId: number
  /** Null: the platform chain. */
  tenantId: string | null
  firstId: number
  lastId: number
  entries: number
  root: string
  sealedAt: number
}

/**
 * Somewhere outside the database that keeps each root, so that rewriting the database (entries and
 * roots alike) shows: the notary still holds the old root. Returns a receipt stored with the root.
 */
export interface Notary {
  kind: string
  anchor(payload: AnchorPayload): Promise<unknown>
}
