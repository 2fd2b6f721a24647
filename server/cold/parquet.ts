import { parquetWriteBuffer } from 'hyparquet-writer'
import type { ArchiveRow } from './rows'

/**
 * A day of one plant as a Parquet file (snappy, column statistics). Timestamps are
 * TIMESTAMP_MILLIS (UTC), `seq` INT64; tenant and plant are in the key-value metadata and the path.
 */
export function toParquet(rows: ArchiveRow[], meta: { tenant: string, plant: string, day: string }): Buffer {
  const col = <K extends keyof ArchiveRow>(k: K) => rows.map(r => r[k])
  const buffer = parquetWriteBuffer({
    columnData: [
      { name: 'plc', data: col('plc'), type: 'STRING', nullable: false },
      { name: 'metric', data: col('metric'), type: 'STRING', nullable: false },
      { name: 'ts', data: rows.map(r => new Date(r.ts)), type: 'TIMESTAMP', nullable: false },
      { name: 'value_num', data: col('valueNum'), type: 'DOUBLE' },
      { name: 'value_bool', data: col('valueBool'), type: 'BOOLEAN' },
      { name: 'value_text', data: col('valueText'), type: 'STRING' },
      { name: 'quality', data: col('quality'), type: 'STRING' },
      { name: 'unit', data: col('unit'), type: 'STRING' },
      { name: 'seq', data: rows.map(r => (r.seq === null ? null : BigInt(r.seq))), type: 'INT64' },
      { name: 'key', data: col('key'), type: 'STRING', nullable: false },
      { name: 'received_at', data: rows.map(r => new Date(r.receivedAt)), type: 'TIMESTAMP', nullable: false }
    ],
    kvMetadata: [{ key: 'tenant', value: meta.tenant }, { key: 'plant', value: meta.plant }, { key: 'day', value: meta.day }],
    createdBy: 'plant-telemetry cold storage'
  })
  return Buffer.from(buffer)
}
