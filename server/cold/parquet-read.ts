import { parquetReadObjects } from 'hyparquet'
import type { ArchiveRow } from './rows'

type ParquetRecord = Record<string, unknown>

const time = (v: unknown) => (v instanceof Date ? v.getTime() : Number(v))

/** Reads an archived Parquet file back into rows (verification; tests). */
export async function fromParquet(bytes: Buffer): Promise<ArchiveRow[]> {
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer
  const records = await parquetReadObjects({ file }) as ParquetRecord[]
  return records.map(r => ({
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
  }))
}
