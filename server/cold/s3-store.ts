import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3'
import type { S3StoreConfig } from '../config/env'
import type { ColdStore } from './store'

/** Cold storage in an S3-compatible bucket (AWS S3, MinIO, Ceph, …); keys go under the prefix. */
export function createS3Store(c: S3StoreConfig): ColdStore {
  const client = new S3Client({
    region: c.region,
    endpoint: c.endpoint,
    // Most S3-compatible servers want bucket/key paths, not bucket.host virtual hosts.
    forcePathStyle: c.forcePathStyle,
    credentials: c.credentials
  })
  const prefix = c.prefix && !c.prefix.endsWith('/') ? `${c.prefix}/` : c.prefix
  const keyOf = (key: string) => `${prefix}${key}`
  return {
    kind: 's3',
    location: `s3://${c.bucket}/${prefix}`,
    async put(key, body, contentType) {
      await client.send(new PutObjectCommand({ Bucket: c.bucket, Key: keyOf(key), Body: body, ContentType: contentType, ContentLength: body.length }))
    },
    async get(key) {
      const out = await client.send(new GetObjectCommand({ Bucket: c.bucket, Key: keyOf(key) }))
      if (!out.Body) throw new Error(`empty object s3://${c.bucket}/${keyOf(key)}`)
      return Buffer.from(await out.Body.transformToByteArray())
    },
    close: () => client.destroy()
  }
}
