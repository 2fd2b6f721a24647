import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { ServerResponse } from 'node:http'
import { stringify } from 'csv-stringify'
import type { Logger } from 'pino'

export type CsvCell = string | number | boolean | null

/** One record at a time from batches, so the stream's own buffer bounds what is read ahead. */
async function* records(batches: AsyncIterable<CsvCell[][]>): AsyncGenerator<CsvCell[]> {
  for await (const batch of batches) yield* batch
}

/**
 * Streams CSV (RFC 4180: CRLF, fields with a comma, quote or line break quoted, quotes doubled; by
 * csv-stringify) to the response. `pipeline` carries backpressure back to the database cursor: a
 * slow client stops the fetches, and one that goes away ends the cursor (the generators' `finally`).
 * Once the first bytes are out, a failure can only cut the response short, which the client sees as
 * an incomplete download instead of a file that looks whole.
 */
export async function sendCsv(res: ServerResponse, o: { filename: string, columns: string[], batches: AsyncIterable<CsvCell[][]>, logger: Logger }): Promise<void> {
  res.statusCode = 200
  res.setHeader('content-type', 'text/csv; charset=utf-8')
  res.setHeader('content-disposition', `attachment; filename="${o.filename}"`)
  res.setHeader('cache-control', 'no-store')
  const csv = stringify({
    header: true,
    columns: o.columns,
    record_delimiter: 'windows',
    // csv-stringify quotes only the record delimiter itself (CRLF); a lone CR or LF inside a value
    // would still end the record in most readers (spreadsheets, Python's csv).
    quoted_match: /[\r\n]/,
    cast: { boolean: b => (b ? 'true' : 'false') }
  })
  try {
    await pipeline(Readable.from(records(o.batches)), csv, res)
  } catch (err) {
    if (res.destroyed && !res.writableFinished && (err as { code?: string }).code === 'ERR_STREAM_PREMATURE_CLOSE') return
    o.logger.error({ err, file: o.filename }, 'CSV export failed mid-stream')
    res.destroy(err as Error)
  }
}

/** A file name safe on every OS: letters, digits, dot, dash and underscore only. */
export const safeFilename = (...parts: string[]) => `${parts.join('_').replace(/[^\w.-]+/g, '_')}.csv`

/** Epoch ms as compact UTC for file names: 20250108T062504Z. */
export const fileTime = (ms: number) => new Date(ms).toISOString().replace(/[-:]|\.\d{3}/g, '')
