import type { Notary } from './notary'

export interface HttpNotaryOptions {
  url: string
  timeoutMs: number
  /** Attempts in all, the first included. */
  attempts: number
  /** Wait before the second attempt; doubles after each failure. */
  backoffMs: number
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

async function postOnce(o: HttpNotaryOptions, body: string): Promise<unknown> {
  const res = await fetch(o.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(o.timeoutMs) })
  const text = await res.text()
  if (!res.ok) throw new Error(`notary answered ${res.status}: ${text.slice(0, 200)}`)
  try {
    return JSON.parse(text)
  } catch {
    return text || null
  }
}

/**
 * POSTs each root as JSON to a notary service (a timestamping service, a transparency log, a
 * blockchain gateway). Retries with backoff: a root that still failed keeps its error and is sent
 * again by the next seal run.
 */
export function httpNotary(o: HttpNotaryOptions): Notary {
  return {
    kind: 'http',
    async anchor(payload) {
      const body = JSON.stringify(payload)
      for (let attempt = 1; ; attempt++) {
        try {
          return { kind: 'http', url: o.url, status: 'accepted', response: await postOnce(o, body) }
        } catch (err) {
          if (attempt >= o.attempts) throw err
          await sleep(o.backoffMs * 2 ** (attempt - 1))
        }
      }
    }
  }
}
