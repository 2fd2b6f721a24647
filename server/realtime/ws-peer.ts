import type { LiveConnection } from './hub'
import type { Pingable } from './heartbeat'

/** The `ws` socket under a crossws peer on Node (crossws exposes it through `peer.websocket`). */
interface NodeSocket {
  send(data: Buffer, options: { binary: false }): void
  ping(): void
  on(event: 'pong', listener: () => void): void
  /** The TCP socket (ws's own field). */
  _socket: { cork(): void, uncork(): void, writableLength: number }
}

/** The part of a crossws peer used here. */
export interface WsPeer {
  close(code?: number, reason?: string): void
  terminate(): void
  websocket: unknown
}

export type WsMember = LiveConnection & Pingable

// The hub sends one event's text to all its recipients in a row: encode it once, not per client.
let lastText = ''
let lastBytes = Buffer.alloc(0)
function utf8(text: string): Buffer {
  if (text !== lastText) {
    lastText = text
    lastBytes = Buffer.from(text)
  }
  return lastBytes
}

/**
 * A WebSocket peer as a live connection the heartbeat can ping; `onPong` hears its pongs.
 * Messages sent in one turn of the event loop (a batch of events arriving from the bus) leave in
 * one write: ws uncorks after every frame, a syscall each, which at thousands of events a second
 * per plant-wide client cost more than everything else the hub does (measured: half the server's CPU).
 */
export function wsConnection(peer: WsPeer, onPong: (member: WsMember) => void): WsMember {
  const socket = peer.websocket as NodeSocket
  // Taken once: every access through crossws's proxy of the socket costs a trap.
  const tcp = socket._socket
  let corked = false
  const uncork = () => {
    corked = false
    tcp.uncork()
  }
  const member: WsMember = {
    send(text) {
      if (!corked) {
        corked = true
        tcp.cork()
        process.nextTick(uncork)
      }
      // ws sends a Buffer as is (server frames are not masked), so one copy serves every client.
      socket.send(utf8(text), { binary: false })
    },
    // ws's own bufferedAmount adds frames waiting for compression, which is off.
    bufferedAmount: () => tcp.writableLength,
    close: (code, reason) => peer.close(code, reason),
    ping: () => socket.ping(),
    terminate: () => peer.terminate()
  }
  socket.on('pong', () => onPong(member))
  return member
}
