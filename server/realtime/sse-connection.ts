import type { LiveConnection } from './hub'

/** The part of h3's EventStream (createEventStream) used here. */
export interface EventSink {
  push(message: { event?: string, data: string }): Promise<void>
  close(): Promise<void>
}

/** An SSE response as a live connection, plus the keep-alive ping proxies need to see. */
export interface SseConnection extends LiveConnection {
  ping(): void
}

/**
 * Events go out as unnamed `data:` lines (EventSource's `onmessage` sees every type, the JSON says
 * which, as seed 003's device updates do); `hello`, `ping` and a final `close` are named.
 * h3 writes to the response without waiting for it to drain, so the response's own buffer is what
 * a slow reader fills up.
 */
export function sseConnection(stream: EventSink, response: { writableLength: number }): SseConnection {
  // A push after the client left rejects; there is nobody to tell.
  const push = (message: { event?: string, data: string }) => void stream.push(message).catch(() => {})
  return {
    send: text => push({ data: text }),
    bufferedAmount: () => response.writableLength,
    close(code, reason) {
      push({ event: 'close', data: JSON.stringify({ code, reason }) })
      void stream.close()
    },
    ping: () => push({ event: 'ping', data: '{}' })
  }
}
