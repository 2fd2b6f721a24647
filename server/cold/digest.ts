import { createHash, type Hash } from 'node:crypto'
import { ARCHIVE_COLUMNS, type ArchiveRow } from './rows'

/**
 * Row count and SHA-256 over the rows in order, one JSON array per row: computed from the database
 * when exporting and again before a partition is dropped, and from the file read back from the
 * store. Equal digests mean the archive holds exactly the rows the database holds.
 */
export class RowDigest {
  private hash: Hash = createHash('sha256')
  rows = 0

  add(rows: Iterable<ArchiveRow>): void {
    for (const row of rows) {
      this.hash.update(JSON.stringify(ARCHIVE_COLUMNS.map(c => row[c])))
      this.hash.update('\n')
      this.rows++
    }
  }

  hex(): string {
    return this.hash.copy().digest('hex')
  }
}

export const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')
