import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../server/config/env'

describe('cold storage configuration', () => {
  it('is off by default and keeps every partition', () => {
    expect(loadConfig({}).cold).toEqual({ store: { kind: 'none' }, formats: ['parquet', 'csv'], retentionDays: 0, intervalMs: 3_600_000 })
  })

  it('defaults the folder to DATA_DIR/cold', () => {
    expect(loadConfig({ COLD_STORAGE: 'dir', DATA_DIR: '/data' }).cold.store).toEqual({ kind: 'dir', path: '/data/cold' })
  })

  it('reads an S3-compatible bucket with its credentials', () => {
    const cold = loadConfig({
      COLD_STORAGE: 's3', S3_BUCKET: 'archive', S3_ENDPOINT: 'http://minio:9000', S3_ACCESS_KEY_ID: 'k', S3_SECRET_ACCESS_KEY: 's',
      S3_PREFIX: 'pt', TELEMETRY_RETENTION_DAYS: '30', COLD_STORAGE_FORMATS: 'parquet', COLD_STORAGE_INTERVAL_S: '600'
    }).cold
    expect(cold).toEqual({
      store: { kind: 's3', bucket: 'archive', prefix: 'pt', region: 'us-east-1', endpoint: 'http://minio:9000', forcePathStyle: true, credentials: { accessKeyId: 'k', secretAccessKey: 's' } },
      formats: ['parquet'], retentionDays: 30, intervalMs: 600_000
    })
  })

  it('refuses a retention with nowhere to archive, an S3 store without a bucket, half the credentials, an unknown format', () => {
    expect(() => loadConfig({ TELEMETRY_RETENTION_DAYS: '30' })).toThrow(/TELEMETRY_RETENTION_DAYS needs COLD_STORAGE/)
    expect(() => loadConfig({ COLD_STORAGE: 's3' })).toThrow(/S3_BUCKET/)
    expect(() => loadConfig({ COLD_STORAGE: 's3', S3_BUCKET: 'b', S3_ACCESS_KEY_ID: 'k' })).toThrow(/go together/)
    expect(() => loadConfig({ COLD_STORAGE_FORMATS: 'xlsx' })).toThrow(/COLD_STORAGE_FORMATS/)
  })
})
