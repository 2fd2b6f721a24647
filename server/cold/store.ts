import type { ColdStorageConfig } from '../config/env'
import { createDirStore } from './dir-store'
import { createS3Store } from './s3-store'

/** Where archived files go: a folder or an S3-compatible bucket, behind one interface. */
export interface ColdStore {
  kind: 'dir' | 's3'
  /** For logs: the folder, or `s3://bucket/prefix` (no credentials). */
  location: string
  put(key: string, body: Buffer, contentType: string): Promise<void>
  /** The object's bytes as stored now (verification reads back what the store really holds). */
  get(key: string): Promise<Buffer>
  close(): void
}

/** The configured store, or undefined with COLD_STORAGE=none. */
export function createColdStore(store: ColdStorageConfig['store']): ColdStore | undefined {
  if (store.kind === 'dir') return createDirStore(store.path)
  if (store.kind === 's3') return createS3Store(store)
  return undefined
}
