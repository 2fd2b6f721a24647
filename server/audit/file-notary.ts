import { appendFile, mkdir } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { Notary } from './notary'

/**
 * Appends each root as one JSON line to a file (under DATA_DIR by default). Worth most on storage
 * the database's users cannot rewrite: another disk, a WORM bucket mount, a log shipper's input.
 */
export function fileNotary(path: string): Notary {
  return {
    kind: 'file',
    async anchor(payload) {
      await mkdir(dirname(path), { recursive: true })
      const line = JSON.stringify({ ...payload, anchoredAt: Date.now() })
      await appendFile(path, `${line}\n`, 'utf8')
      return { kind: 'file', path, anchoredAt: JSON.parse(line).anchoredAt }
    }
  }
}
