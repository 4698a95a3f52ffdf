import { encodeIdentity, IDENTITY_HEADER, type Identity } from '@tangerine/contracts'
import { exports } from 'cloudflare:workers'
import { identityHeaders, keyOf, newUserId } from '../../../../scripts/test-support/people.ts'
import type { RoomSocket } from '../../../../scripts/test-support/room-socket.ts'
import { openRoomSocket } from '../../../../scripts/test-support/workerd-room-socket.ts'

export type TestSocket = RoomSocket<WebSocket>

export const randomRoom = () => `room-${crypto.randomUUID().slice(0, 8)}`
export const userId = newUserId

/** Opens a room socket through the rooms Worker's own route, as the gateway does. */
export async function connect(
  room: string,
  name: string,
  options: { id?: string; since?: number; source?: Identity['source'] } = {},
): Promise<TestSocket> {
  const id = options.id ?? userId()
  const query = new URLSearchParams({ _pk: id })
  if (options.since !== undefined) query.set('since', String(options.since))
  return openRoomSocket(
    exports.default,
    new Request(`http://rooms.internal/rooms/${room}/ws?${query}`, {
      headers: {
        Upgrade: 'websocket',
        ...(options.source
          ? { [IDENTITY_HEADER]: encodeIdentity({ name, source: options.source, key: keyOf(id) }) }
          : identityHeaders({ name, key: keyOf(id) })),
      },
    }),
  )
}

export { isError, isEvent, isState } from '../../../../scripts/test-support/room-socket.ts'
