import { parquetMetadata, parquetReadObjects } from 'hyparquet'
import { ROW_GROUP_ROWS } from './parquet'
import type { ArchiveRow } from './rows'

type ParquetRecord = Record<string, unknown>

const time = (v: unknown) => (v instanceof Date ? v.getTime() : Number(v))

function toRow(r: ParquetRecord): ArchiveRow {
  return {
    plc: r.plc as string,
    metric: r.metric as string,
    ts: time(r.ts),
    valueNum: (r.value_num ?? null) as number | null,
    valueBool: (r.value_bool ?? null) as boolean | null,
    valueText: (r.value_text ?? null) as string | null,
    quality: (r.quality ?? null) as string | null,
    unit: (r.unit ?? null) as string | null,
    seq: r.seq === null || r.seq === undefined ? null : Number(r.seq),
    key: r.key as string,
    receivedAt: time(r.received_at)
  }
}

/** Reads an archived Parquet file back, a slice of rows at a time (verification holds one slice). */
export async function* parquetRows(bytes: Buffer): AsyncGenerator<ArchiveRow[]> {
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer
  const total = Number(parquetMetadata(file).num_rows)
  for (let start = 0; start < total; start += ROW_GROUP_ROWS) {
    const records = await parquetReadObjects({ file, rowStart: start, rowEnd: Math.min(total, start + ROW_GROUP_ROWS) }) as ParquetRecord[]
    yield records.map(toRow)
  }
}
