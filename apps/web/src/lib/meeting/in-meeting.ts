import type { RoomConnection } from '../realtime/room.svelte.ts'

/**
 * Resolves once the room sends us the meeting's view, with everyone's tracks, or `joining` says
 * we gave up (left, or were sent back to the lobby). The meeting's view comes as a whole state;
 * leaving comes as an event, a refused join (locked, full) as an error that puts us back in the lobby.
 */
export function inMeeting(room: RoomConnection, joining: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (room.view !== 'meeting' && joining()) return
      stopState()
      stopEvents()
      stopErrors()
      resolve()
    }
    const stopState = room.onState(check)
    const stopEvents = room.onEvent(check)
    const stopErrors = room.onError(check)
    check()
  })
}
