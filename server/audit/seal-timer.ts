import type { Logger } from 'pino'
import type { SqlClient } from '../db/client'
import type { Notary } from './notary'
import { sealAndAnchor } from './sealer'

/**
 * Seals and anchors every `intervalMs` (0: never; `POST /api/audit/roots` still does). Every instance
 * runs one: the chain lock makes a second seal of the same entries find nothing to do.
 */
export function startSealTimer(sql: SqlClient, notary: Notary | undefined, intervalMs: number, logger: Logger): () => void {
  if (!intervalMs) return () => {}
  let running = false
  const timer = setInterval(async () => {
    if (running) return
    running = true
    try {
      const roots = await sealAndAnchor(sql, notary)
      if (roots.length) logger.info({ part: 'audit', roots: roots.length }, 'audit chains sealed')
    } catch (err) {
      logger.warn({ part: 'audit', err: (err as Error).message }, 'audit sealing failed')
    } finally {
      running = false
    }
  }, intervalMs)
  timer.unref()
  return () => clearInterval(timer)
}
