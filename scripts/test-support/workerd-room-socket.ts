import { roomSocketOver, type RoomSocket } from './room-socket.ts'

/**
 * A room socket opened inside workerd, where a socket is the answer to a fetched upgrade and is
 * ours once accepted. `rooms` is the rooms Worker itself or a binding to it; `request` carries the
 * upgrade, `_pk` and the identity, as the gateway would send them.
 */
export async function openRoomSocket(
  rooms: { fetch(request: Request): Promise<Response> },
  request: Request,
  timeoutMs = 3000,
): Promise<RoomSocket<WebSocket>> {
  const url = new URL(request.url)
  const res = await rooms.fetch(request)
  const ws = res.webSocket
  if (!ws) throw new Error(`No socket: ${res.status} ${await res.text()}`)
  ws.accept()
  return roomSocketOver({
    id: url.searchParams.get('_pk') ?? '',
    ws,
    label: url.pathname,
    timeoutMs,
    onFrame: (receive) => ws.addEventListener('message', (event) => receive(String(event.data))),
    onClose: (end) => ws.addEventListener('close', (event) => end({ code: event.code, reason: event.reason })),
  })
}
