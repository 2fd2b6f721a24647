import { actorOf } from '../../audit/actor'
import { visibleDeadLetterIds } from '../../admin/dead-letters'
import { DeadLetterReplayBody } from '../../admin/dead-letter-schemas'

/**
 * Feeds dead letters back through the ingest (after creating the tenant or plant they named, say).
 * Ids the caller may not see count as not found, like ids that do not exist.
 */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'dead_letter:replay')
  const { ids } = await validBody(event, DeadLetterReplayBody)
  const platform = await usePlatform()
  const visible = await visibleDeadLetterIds(platform.db.sql, readScope(ctx), ids)
  const result = await platform.replayDeadLetters(visible, actorOf(ctx))
  return { ...result, notFound: ids.length - visible.length }
})
