import type { Logger } from 'pino'
import type { RawMessage } from '../ingest/ingestor'
import { startPresence } from './presence'
import { startSessionAdoption } from './session-adoption'
import { startSubscriber, type BrokerConnection } from './subscriber'

export interface GroupMemberOptions {
  connection: BrokerConnection
  group: string
  clientId: string
  maxInflight: number
  logger: Logger
  /** Where the messages of adopted sessions go: the same ingest as this instance's own. */
  onMessage: (msg: RawMessage) => void
}

export interface GroupMember {
  /** Peers whose orphaned sessions this instance is draining now. */
  adopting(): string[]
  /** Orphaned sessions this instance drained and deleted, and the messages they held. */
  counters(): { drained: number, messages: number }
  /** Graceful stop: stop draining and say this instance left, so a peer drains what its session still gets. */
  leave(): Promise<void>
}

/** This instance as a member of a shared-subscription group: its presence, and the adoption of dead members' sessions. */
export async function joinGroup(o: GroupMemberOptions): Promise<GroupMember> {
  const presence = await startPresence(o)
  const adoption = startSessionAdoption({
    self: o.clientId,
    members: () => presence.members(),
    forget: peer => presence.forget(peer),
    logger: o.logger,
    adopt: peer => startSubscriber({
      ...o.connection, clientId: peer, protocolVersion: 5, sharedGroup: o.group, role: 'adopted',
      maxInflight: o.maxInflight, logger: o.logger, onMessage: o.onMessage
    })
  })
  presence.onChange(() => adoption.review())
  adoption.review()
  return {
    adopting: () => adoption.adopting(),
    counters: () => adoption.counters(),
    leave: async () => {
      await adoption.stop()
      await presence.leave()
    }
  }
}
