import { parquetMetadata, parquetReadObjects } from 'hyparquet'
import { describe, expect, it } from 'vitest'
import { RowDigest } from '../../server/cold/digest'
import { ParquetFile, ROW_GROUP_ROWS } from '../../server/cold/parquet'
import { parquetRows } from '../../server/cold/parquet-read'
import type { ArchiveRow } from '../../server/cold/rows'

const T0 = Date.UTC(2025, 0, 8)

/** Rows of every value kind, nulls where the kind is absent, as the cursor hands them over. */
function row(i: number): ArchiveRow {
  const kind = i % 3
  return {
    plc: `plc-${i % 4}`, metric: ['temp', 'running', 'note'][kind]!, ts: T0 + i * 250 + 1,
    valueNum: kind === 0 ? i / 8 : null, valueBool: kind === 1 ? i % 2 === 0 : null, valueText: kind === 2 ? `n,"${i}"\n` : null,
    quality: i % 50 === 0 ? 'BAD' : 'GOOD', unit: kind === 0 ? 'celsius' : null, seq: i % 7 === 0 ? null : 1_736_294_400_000 + i,
    key: `s${i}`, receivedAt: T0 + i * 250 + 40
  }
}

describe('Parquet archive files', () => {
  const rows = Array.from({ length: ROW_GROUP_ROWS + 12_345 }, (_, i) => row(i))

  it('are written a row group at a time and read back (by hyparquet, and in slices) as they were', async () => {
    const file = new ParquetFile({ tenant: 'granix', plant: 'planta-1', day: '2025-01-08' })
    for (let i = 0; i < rows.length; i += 5000) await file.add(rows.slice(i, i + 5000))
    const bytes = await file.finish()
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer
    const meta = parquetMetadata(buffer)
    expect(meta.row_groups.map(g => Number(g.num_rows))).toEqual([ROW_GROUP_ROWS, 12_345])
    expect(meta.key_value_metadata).toEqual(expect.arrayContaining([{ key: 'tenant', value: 'granix' }, { key: 'day', value: '2025-01-08' }]))

    const whole = await parquetReadObjects({ file: buffer }) as Record<string, unknown>[]
    expect(whole).toHaveLength(rows.length)
    for (const i of [0, 1, 2, 7, ROW_GROUP_ROWS - 1, ROW_GROUP_ROWS, rows.length - 1]) {
      const r = rows[i]!
      expect(whole[i]).toEqual({
        plc: r.plc, metric: r.metric, ts: new Date(r.ts), value_num: r.valueNum, value_bool: r.valueBool, value_text: r.valueText,
        quality: r.quality, unit: r.unit, seq: r.seq === null ? null : BigInt(r.seq), key: r.key, received_at: new Date(r.receivedAt)
      })
    }

    const expected = new RowDigest()
    expected.add(rows)
    const archived = new RowDigest()
    let slices = 0
    for await (const slice of parquetRows(bytes)) {
      archived.add(slice)
      slices++
    }
    expect(slices).toBe(2)
    expect([archived.rows, archived.hex()]).toEqual([expected.rows, expected.hex()])
  }, 60_000)
})
