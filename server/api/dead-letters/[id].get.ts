import { getDeadLetter } from '../../admin/dead-letters'
import { DeadLetterParams } from '../../admin/dead-letter-schemas'

/** One dead letter with its raw payload (base64) and a text preview when it is UTF-8. */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'dead_letter:read')
  const { id } = await validParams(event, DeadLetterParams)
  const { db } = await usePlatform()
  const letter = await getDeadLetter(db.sql, readScope(ctx), id)
  if (!letter) throw notFoundError('DEAD_LETTER_NOT_FOUND', `Dead letter ${id} not found`)
  return letter
})
