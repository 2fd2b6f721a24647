import { MAX_FRAME_BYTES } from '../realtime/protocol'

/**
 * Caps WebSocket frames in the ws server itself (crossws passes `serverOptions` on to it): its
 * default is 100 MiB, which it would buffer in full before our handler could refuse the message.
 * An oversized frame closes the connection with 1009. Nitro reads these options when the server
 * starts listening, after the plugins ran.
 */
export default defineNitroPlugin((nitroApp) => {
  const options = nitroApp.h3App.options as { websocket?: { serverOptions?: Record<string, unknown> } }
  options.websocket = { ...options.websocket, serverOptions: { ...options.websocket?.serverOptions, maxPayload: MAX_FRAME_BYTES } }
})
