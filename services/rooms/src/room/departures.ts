import { RoomCloseCode, type LoggedEvent, type RoomErrorCode, type RoomState } from '@tangerine/contracts'

/** The sockets `logged` puts out, by user id, with the close code and reason each gets. */
export function departures(logged: LoggedEvent[], before: RoomState): Map<string, [number, string]> {
  const out = new Map<string, [number, string]>()
  for (const event of logged) {
    if (event.type === 'UserRemoved') out.set(event.data.userId, [RoomCloseCode.removed, 'removed by the host'])
    if (event.type === 'UserRemovedByOperator') {
      out.set(event.data.userId, [RoomCloseCode.removed, 'removed by an operator'])
    }
    if (event.type === 'MeetingEndedForAll' || event.type === 'MeetingEndedByOperator') {
      const reason =
        event.type === 'MeetingEndedForAll' ? 'the host ended the meeting' : 'an operator ended the meeting'
      for (const u of before.users) if (u.joined) out.set(u.id, [RoomCloseCode.meetingEnded, reason])
    }
  }
  return out
}

/** How a socket refused on connect is closed: a code the page knows not to retry, where there is one. */
export function refusalCloseCode(code: RoomErrorCode): number {
  if (code === 'removed') return RoomCloseCode.removed
  if (code === 'room_full') return RoomCloseCode.roomFull
  if (code === 'too_many_connections') return RoomCloseCode.tooManyConnections
  return 1008
}
