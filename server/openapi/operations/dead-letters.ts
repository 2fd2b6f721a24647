import {
  DeadLetterDetailJson, DeadLetterListQuery, DeadLetterPage, DeadLetterParams, DeadLetterReplayBody, ReplayResultJson
} from '../../admin/dead-letter-schemas'
import type { Operation } from '../operation'

const tag = 'Dead letters'

export const operations: Operation[] = [
  { method: 'get', path: '/api/dead-letters', summary: 'List messages the ingest could not store, newest first', tag, permission: 'dead_letter:read', query: DeadLetterListQuery, response: DeadLetterPage },
  { method: 'get', path: '/api/dead-letters/{id}', summary: 'One dead letter with its raw payload', tag, permission: 'dead_letter:read', params: DeadLetterParams, response: DeadLetterDetailJson },
  { method: 'post', path: '/api/dead-letters/replay', summary: 'Feed dead letters back through the ingest', tag, permission: 'dead_letter:replay', body: DeadLetterReplayBody, response: ReplayResultJson }
]
