import { ServerMessage } from '@tangerine/contracts'
import type { Page, WebSocketRoute } from 'playwright-core'

/** One room socket the page opened, as the network between it and the room saw it. */
export interface RoomSocket {
  url: URL
  /** Every message the room sent on it, delivered or not. */
  fromRoom: ServerMessage[]
  /** Sent by the room after the link went dead: the page never got them. */
  lost: ServerMessage[]
  /** The page closed it (gave up on it). */
  closedByPage: boolean
}

/**
 * The network between a page and the room, for its room sockets only (Playwright's WebSocket
 * routing: the page's socket and the real one to the room are relayed frame by frame here).
 * - `drop()`: a clean drop, both ends closed at once, as the old test did.
 * - `goSilent()`: a half-open drop: frames stop both ways, and neither end gets a close frame or
 *   an error, as when a NAT forgets the connection or the laptop roams to another network.
 * - `down` / `up`: whether new connections get through; a refused one fails at once (1006).
 */
export async function roomLink(page: Page) {
  const sockets: RoomSocket[] = []
  const live = new Set<{ socket: RoomSocket; silence: () => void; close: () => Promise<unknown> }>()
  const link = {
    sockets,
    down: false,
    /** Resolves once the page has its close: nothing more reaches it over the old socket. */
    drop() {
      return Promise.all([...live].map((s) => s.close()))
    },
    goSilent() {
      for (const s of [...live]) s.silence()
    },
  }
  await page.routeWebSocket(/\/api\/rooms\/[^/]+\/ws/, (ws: WebSocketRoute) => {
    const socket: RoomSocket = { url: new URL(ws.url()), fromRoom: [], lost: [], closedByPage: false }
    sockets.push(socket)
    if (link.down) return ws.close({ code: 1006, reason: 'network down' })
    const server = ws.connectToServer()
    let dead = false
    const entry = {
      socket,
      silence: () => {
        dead = true
        live.delete(entry)
      },
      close: () => {
        live.delete(entry)
        return Promise.all([
          ws.close({ code: 1006, reason: 'dropped' }),
          server.close({ code: 1001, reason: 'dropped' }),
        ])
      },
    }
    live.add(entry)
    ws.onMessage((message) => {
      if (!dead) server.send(message)
    })
    server.onMessage((message) => {
      const parsed = ServerMessage.parse(JSON.parse(String(message)))
      socket.fromRoom.push(parsed)
      if (dead) socket.lost.push(parsed)
      else ws.send(message)
    })
    ws.onClose((code, reason) => {
      socket.closedByPage = true
      live.delete(entry)
      if (!dead) server.close({ code, reason })
    })
    server.onClose((code, reason) => {
      live.delete(entry)
      if (!dead) ws.close({ code, reason })
    })
  })
  return link
}

/** The highest `seq` among what the room sent: the page's place in the log once it has it all. */
export function lastSeq(messages: ServerMessage[]) {
  let seq = 0
  for (const m of messages) {
    if (m.type === 'roomState' || m.type === 'replay' || m.type === 'withheld') seq = Math.max(seq, m.seq)
    if (m.type === 'event') seq = Math.max(seq, m.event.seq)
  }
  return seq
}
