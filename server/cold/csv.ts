import { stringify } from 'csv-stringify/sync'
import type { ArchiveRow } from './rows'

const HEADER = ['plc', 'metric', 'ts', 'value_num', 'value_bool', 'value_text', 'quality', 'unit', 'seq', 'key', 'received_at']

const OPTIONS = { record_delimiter: 'windows', quoted_match: /[\r\n]/, cast: { boolean: (b: boolean) => (b ? 'true' : 'false') } } as const

/**
 * The CSV copy of a day, for people and spreadsheets: ISO 8601 UTC times, the same dialect as the
 * API's export (server/http/csv-response.ts), built batch by batch. The Parquet file is the one whose
 * content is verified row by row; this one is checked by its checksum and row count.
 */
export class CsvFile {
  private readonly chunks: Buffer[] = [Buffer.from(stringify([HEADER], OPTIONS))]

  add(rows: ArchiveRow[]): void {
    const records = rows.map(r => [r.plc, r.metric, new Date(r.ts).toISOString(), r.valueNum, r.valueBool, r.valueText, r.quality, r.unit, r.seq, r.key, new Date(r.receivedAt).toISOString()])
    this.chunks.push(Buffer.from(stringify(records, OPTIONS)))
  }

  finish(): Buffer {
    return Buffer.concat(this.chunks)
  }
}

/** Data rows in a CSV written by CsvFile (a line break inside a quoted value is no new row). */
export function csvRowCount(bytes: Buffer): number {
  let rows = 0
  let quoted = false
  for (const byte of bytes) {
    if (byte === 0x22) quoted = !quoted
    else if (byte === 0x0a && !quoted) rows++
  }
  return rows - 1
}
