import type { AuditConfig } from '../config/env'
import { fileNotary } from './file-notary'
import { httpNotary } from './http-notary'
import type { Notary } from './notary'

/** The configured notary (AUDIT_ANCHOR); undefined for `none`: roots are only kept in the database. */
export function createNotary(config: AuditConfig['anchor']): Notary | undefined {
  if (config.kind === 'file') return fileNotary(config.path)
  if (config.kind === 'http') return httpNotary({ url: config.url, timeoutMs: config.timeoutMs, attempts: config.attempts, backoffMs: 500 })
  return undefined
}
