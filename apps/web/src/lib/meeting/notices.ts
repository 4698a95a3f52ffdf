import type { LoggedEvent, RoomState } from '@tangerine/contracts'

/** What an event tells this person in the meeting: a toast, and the chime it rings if any. */
export interface Notice {
  toast: string
  chime?: 'join' | 'leave'
}

/** Someone's name in `state`, or "Someone" once they are gone from it. */
export const nameIn = (state: RoomState | undefined, id: string) =>
  state?.users.find((u) => u.id === id)?.name ?? 'Someone'

/**
 * The notice `event` gives `me`, who is in the meeting: `before` and `after` are the room's
 * state either side of it (a name is read where its owner still is).
 */
export function noticeOf(
  event: LoggedEvent,
  me: string,
  before: RoomState,
  after: RoomState | undefined,
): Notice | undefined {
  const name = (id: string) => nameIn(after, id)
  switch (event.type) {
    case 'UserUpdated':
      return event.data.patch.joined && event.data.userId !== me
        ? { toast: `${name(event.data.userId)} joined`, chime: 'join' }
        : undefined
    case 'UserDisconnected':
      return event.data.userId !== me
        ? { toast: `${nameIn(before, event.data.userId)} left`, chime: 'leave' }
        : undefined
    case 'UserMuted':
      return event.data.userId === me && event.data.by !== me
        ? { toast: `You were muted by ${name(event.data.by)}` }
        : undefined
    case 'HandRaised':
      return event.data.userId !== me ? { toast: `${name(event.data.userId)} raised their hand` } : undefined
    case 'UnmuteRequested':
      return event.data.userId === me ? { toast: `${name(event.data.by)} asks you to unmute` } : undefined
    case 'HostAssigned':
      return { toast: event.data.userId === me ? 'You are now the host' : `${name(event.data.userId)} is now the host` }
    case 'UserRemoved':
      return { toast: `${name(event.data.by)} removed ${nameIn(before, event.data.userId)}` }
    case 'UserRemovedByOperator':
      return { toast: `An operator removed ${nameIn(before, event.data.userId)}` }
    case 'RoomLocked':
    case 'RoomUnlocked':
      return { toast: `${name(event.data.by)} ${event.type === 'RoomLocked' ? 'locked' : 'unlocked'} the meeting` }
    // Said, as the room's other changes are: the stage changing under someone should not go unexplained.
    case 'UserSpotlighted': {
      const whom = event.data.userId === me ? 'you' : name(event.data.userId)
      return { toast: `${event.data.by === me ? 'You' : name(event.data.by)} spotlighted ${whom} for everyone` }
    }
    case 'SpotlightEnded':
      return { toast: `${event.data.by === me ? 'You' : name(event.data.by)} ended the spotlight` }
    default:
      return undefined
  }
}

/** The toasts for media lost (the SFU went away) and back, while the room socket stays up. */
export const recoveryToast = {
  lost: 'Media connection lost: reconnecting…',
  restored: 'Media connection restored',
} as const
