import { ByteWriter, ParquetWriter, schemaFromColumnData } from 'hyparquet-writer'
import type { ArchiveRow } from './rows'

/** Rows per row group: bounds the rows held as objects while a file is written (and read back). */
export const ROW_GROUP_ROWS = 100_000

type ColumnData = Parameters<typeof schemaFromColumnData>[0]['columnData']

function columns(rows: ArchiveRow[]): ColumnData {
  const col = <K extends keyof ArchiveRow>(k: K) => rows.map(r => r[k])
  return [
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
  ]
}

/**
 * A day of one plant as a Parquet file (snappy, column statistics), written a row group at a time as
 * the rows come from the database cursor, so only one row group is held as objects; the file itself
 * is compressed bytes. Timestamps are TIMESTAMP_MILLIS (UTC), `seq` INT64; tenant, plant and day are
 * in the key-value metadata as well as in the path.
 */
export class ParquetFile {
  private readonly bytes = new ByteWriter()
  private writer?: ParquetWriter
  private pending: ArchiveRow[] = []

  constructor(private readonly meta: { tenant: string, plant: string, day: string }) {}

  async add(rows: ArchiveRow[]): Promise<void> {
    this.pending.push(...rows)
    while (this.pending.length >= ROW_GROUP_ROWS) await this.flush(this.pending.splice(0, ROW_GROUP_ROWS))
  }

  async finish(): Promise<Buffer> {
    if (this.pending.length || !this.writer) await this.flush(this.pending.splice(0))
    this.writer!.finish()
    return Buffer.from(this.bytes.getBuffer())
  }

  private async flush(rows: ArchiveRow[]): Promise<void> {
    const columnData = columns(rows)
    this.writer ??= new ParquetWriter({
      writer: this.bytes,
      schema: schemaFromColumnData({ columnData }),
      kvMetadata: [{ key: 'tenant', value: this.meta.tenant }, { key: 'plant', value: this.meta.plant }, { key: 'day', value: this.meta.day }],
      createdBy: 'plant-telemetry cold storage'
    })
    await this.writer.write({ columnData, rowGroupSize: Math.max(1, rows.length) })
  }
}
