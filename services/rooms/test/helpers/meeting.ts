import { connect, isEvent, isState, type TestSocket } from './socket.ts'

/**
 * People connected and joined in turn, each join applied before the next: join order (and so who
 * the room names to commit a removal) is the order of `names`. The first opens the meeting with
 * `e2ee` (the room's default when undefined).
 */
export async function joinedInTurn(room: string, names: string[], e2ee?: boolean): Promise<TestSocket[]> {
  const sockets: TestSocket[] = []
  for (const [i, name] of names.entries()) {
    const socket = await connect(room, name)
    await socket.next(isState)
    socket.send({ type: 'userUpdate', user: { joined: true }, ...(i === 0 && e2ee !== undefined ? { e2ee } : {}) })
    await socket.next(isEvent('UserUpdated', (d) => d.userId === socket.id))
    sockets.push(socket)
  }
  return sockets
}

/** Opaque bytes as the room sees MLS messages: base64 it never decodes. */
export const mls = (text: string) => btoa(text)
