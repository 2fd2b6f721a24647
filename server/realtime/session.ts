import type { Logger } from 'pino'
import type { AuthContext } from '../auth/types'
import type { LiveClient, LiveHub } from './hub'
import type { ReplyMessage } from './live-event'
import { CLIENT_MESSAGE_BURST, CLIENT_MESSAGES_PER_S, CLOSE, ClientMessageSchema, echo, invalidMessage, MAX_CLIENT_MESSAGE_CHARS, type ErrorCode, type ErrorMessage } from './protocol'
import { TokenBucket } from '../utils/token-bucket'
import type { SiteFilter } from './subscription'

export interface SessionDeps {
  hub: LiveHub
  /** Verifies an ID token and loads the user; rejects with statusCode 401 (token refused) or 403 (unknown user). */
  authenticate: (token: string) => Promise<AuthContext>
  logger: Logger
  /** How often the token is verified again: catches expiry, a removed user and narrowed access. */
  recheckMs: number
}

/**
 * One client's side of the protocol: its subscribe, unsubscribe, auth and ping messages, handled one
 * at a time in arrival order, and the periodic re-check of its token. An ID token lives an hour;
 * a client keeps its connection by sending a fresh one (`{type:"auth", token}`) before that.
 */
export class LiveSession {
  private queue: Promise<void> = Promise.resolve()
  private budget = new TokenBucket(CLIENT_MESSAGES_PER_S, CLIENT_MESSAGE_BURST)
  private recheckTimer: NodeJS.Timeout

  constructor(private deps: SessionDeps, readonly client: LiveClient, private token: string) {
    this.recheckTimer = setInterval(() => this.recheck(), deps.recheckMs)
    this.recheckTimer.unref()
  }

  /** Subscribes a filter (the connect-time one, or a subscribe message's) and replies. */
  subscribe(filter: SiteFilter, request = 'subscribe'): void {
    this.enqueue(() => this.addSubscription(filter, request))
  }

  /** A text message from the client. */
  receive(text: string): void {
    if (this.client.closed) return
    if (!this.budget.take(Date.now())) {
      this.end()
      this.client.connection.close(CLOSE.POLICY_VIOLATION, 'too many messages')
      return
    }
    this.enqueue(() => this.handle(text))
  }

  /** Verifies the token again now, e.g. because the user's access changed. */
  recheck(): void {
    this.enqueue(async () => {
      const ctx = await this.verify(this.token)
      if (ctx) this.deps.hub.reauthorize(this.client, ctx)
    })
  }

  /** The connection closed. */
  end(): void {
    clearInterval(this.recheckTimer)
    this.deps.hub.disconnect(this.client)
  }

  private enqueue(task: () => Promise<void> | void): void {
    this.queue = this.queue.then(task).catch((err) => {
      this.deps.logger.warn({ err: (err as Error).message, uid: this.client.ctx.uid }, 'live stream: client message failed')
    })
  }

  private async handle(text: string): Promise<void> {
    if (text.length > MAX_CLIENT_MESSAGE_CHARS) return this.fail('INVALID_MESSAGE', 'message too large')
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch {
      return this.fail('INVALID_MESSAGE', 'not JSON')
    }
    const parsed = ClientMessageSchema.safeParse(json)
    if (!parsed.success) return this.reply(invalidMessage(parsed.error))
    const m = parsed.data
    if (m.type === 'subscribe') return this.addSubscription(m, 'subscribe')
    if (m.type === 'unsubscribe') return this.removeSubscription(m)
    if (m.type === 'auth') return this.replaceToken(m.token)
    this.reply({ type: 'pong', ts: Date.now() })
  }

  private async addSubscription(filter: SiteFilter, request: string): Promise<void> {
    const { hub } = this.deps
    const r = await hub.resolve(this.client.ctx, filter)
    if (!r.ok) return this.fail(r.code, r.message, { request, filter: echo(filter) })
    if (!hub.add(this.client, r.subscription)) {
      return this.fail('TOO_MANY_SUBSCRIPTIONS', 'too many subscriptions on this connection', { request, filter: echo(filter) })
    }
    this.reply({ type: 'subscribed', ...echo(r.subscription) })
  }

  private async removeSubscription(filter: SiteFilter): Promise<void> {
    const r = await this.deps.hub.resolve(this.client.ctx, filter)
    if (r.ok) this.deps.hub.remove(this.client, r.subscription.key)
    // The same answer whether or not it was subscribed (or exists): it says nothing about other tenants.
    this.reply({ type: 'unsubscribed', ...echo(filter) })
  }

  private async replaceToken(token: string): Promise<void> {
    const ctx = await this.verify(token)
    if (!ctx) return
    if (ctx.uid !== this.client.ctx.uid) return this.expel(401, 'token of another user')
    this.token = token
    this.deps.hub.reauthorize(this.client, ctx)
    this.reply({ type: 'authenticated' })
  }

  /** The user behind a token; a refused token or unknown user ends the connection, other failures keep it. */
  private async verify(token: string): Promise<AuthContext | undefined> {
    try {
      return await this.deps.authenticate(token)
    } catch (err) {
      const status = (err as { statusCode?: number }).statusCode
      if (status === 401) this.expel(401, 'token expired or refused')
      else if (status === 403) this.expel(403, 'no access to the platform')
      else this.deps.logger.warn({ err: (err as Error).message, uid: this.client.ctx.uid }, 'live stream: token re-check failed; keeping the connection')
      return undefined
    }
  }

  private expel(status: 401 | 403, reason: string): void {
    if (this.client.closed) return
    this.fail(status === 401 ? 'UNAUTHENTICATED' : 'FORBIDDEN', reason)
    this.end()
    this.client.connection.close(status === 401 ? CLOSE.UNAUTHENTICATED : CLOSE.FORBIDDEN, reason)
  }

  private fail(code: ErrorCode, message: string, about: Pick<ErrorMessage, 'request' | 'filter'> = {}): void {
    this.reply({ type: 'error', code, message, ...about } satisfies ErrorMessage)
  }

  private reply(message: ReplyMessage): void {
    this.deps.hub.send(this.client, message)
  }
}
