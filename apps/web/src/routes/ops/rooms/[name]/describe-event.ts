import type { LoggedEvent } from '@tangerine/contracts/rooms/events'

/** A room user id as a person reads it: their name where the log told it, else the id's start. */
export type NameOf = (userId: string) => string

/** Who did it, from `metadata.actor` (`user:<id>`, `system`, `service:ai`). */
export function actorOf(event: LoggedEvent, nameOf: NameOf): string {
  const actor = event.metadata.actor
  return actor.startsWith('user:') ? nameOf(actor.slice('user:'.length)) : actor
}

/**
 * One line per event for the ops log. Chat and direct messages show their length, not their words:
 * an operator needs to see that people talked, not what they said.
 */
export function describeEvent(event: LoggedEvent, nameOf: NameOf): string {
  switch (event.type) {
    case 'MeetingStarted':
      return `Meeting ${event.data.meetingId} started${event.data.e2ee ? ', end-to-end encrypted' : ''}`
    case 'MeetingEnded':
      return `Meeting ${event.data.meetingId} ended (peak ${event.data.peakUserCount})`
    case 'UserConnected':
      return `${event.data.name} came into the room${event.data.verified ? ' (verified)' : ''}`
    case 'UserUpdated': {
      const { patch } = event.data
      const who = nameOf(event.data.userId)
      if (patch.joined === true) return `${who} joined the meeting`
      if (patch.joined === false) return `${who} left the meeting`
      if (patch.name) return `${who} is now called ${patch.name}`
      if (patch.speaking !== undefined) return `${who} ${patch.speaking ? 'started' : 'stopped'} speaking`
      if (patch.tracks) {
        const t = patch.tracks
        const parts = [
          t.audioEnabled !== undefined && `mic ${t.audioEnabled ? 'on' : 'off'}`,
          t.videoEnabled !== undefined && `camera ${t.videoEnabled ? 'on' : 'off'}`,
          t.screenShareEnabled !== undefined && `screen ${t.screenShareEnabled ? 'shared' : 'unshared'}`,
          (t.audio || t.video || t.screenshare) && 'published tracks',
        ].filter(Boolean)
        return `${who}: ${parts.join(', ') || 'tracks changed'}`
      }
      return `${who} updated (${Object.keys(patch).join(', ')})`
    }
    case 'UserDisconnected':
      return `${nameOf(event.data.userId)} left the room (${event.data.reason})`
    case 'UserMuted':
      return `${nameOf(event.data.userId)} muted by ${nameOf(event.data.by)}`
    case 'HandRaised':
      return `${nameOf(event.data.userId)} raised a hand`
    case 'HandLowered':
      return `${nameOf(event.data.userId)} lowered a hand`
    case 'ChatMessageSent':
      return `${event.data.name} wrote in the chat (${event.data.message.length} characters)`
    case 'DirectMessageSent':
      return `${nameOf(event.data.from)} wrote to ${nameOf(event.data.to)} (${event.data.message.length} characters)`
    case 'AiInvited':
      return `${nameOf(event.data.by)} invited the AI`
    case 'AiJoined':
      return 'The AI joined'
    case 'AiFailed':
      return `The AI could not join: ${event.data.error}`
    case 'AiDismissed':
      return `The AI was dismissed by ${nameOf(event.data.by)}`
    case 'AiControlTaken':
      return `${nameOf(event.data.userId)} talks to the AI`
    case 'AiControlReleased':
      return `${nameOf(event.data.userId)} let go of the AI`
    case 'HostAssigned':
      return `${nameOf(event.data.userId)} is the host${event.data.by ? ` (made by ${nameOf(event.data.by)})` : ''}`
    case 'UnmuteRequested':
      return `${nameOf(event.data.by)} asked ${nameOf(event.data.userId)} to unmute`
    case 'UserRemoved':
      return `${nameOf(event.data.userId)} removed by ${nameOf(event.data.by)}`
    case 'RoomLocked':
      return `Room locked by ${nameOf(event.data.by)}`
    case 'RoomUnlocked':
      return `Room unlocked by ${nameOf(event.data.by)}`
    case 'UserSpotlighted':
      return `${nameOf(event.data.userId)} spotlighted by ${nameOf(event.data.by)}`
    case 'SpotlightEnded':
      return `Spotlight ended by ${nameOf(event.data.by)}`
    case 'MeetingEndedForAll':
      return `Meeting ended for all by ${nameOf(event.data.by)}`
    case 'UserRemovedByOperator':
      return `${nameOf(event.data.userId)} removed by operator ${event.data.operator}`
    case 'MeetingEndedByOperator':
      return `Meeting ended for all by operator ${event.data.operator}`
    case 'MlsCommitted': {
      const adds = event.data.adds?.length ? `, adding ${event.data.adds.map(nameOf).join(', ')}` : ''
      return `MLS commit to epoch ${event.data.epoch} by ${nameOf(event.data.by)}${adds}`
    }
    case 'MlsWelcomed':
      return `MLS welcome for ${event.data.to.map(nameOf).join(', ')} (epoch ${event.data.epoch})`
    case 'MlsGroupStarted':
      return `MLS group started by ${nameOf(event.data.creator)}`
    case 'MlsMemberLost':
      return `${nameOf(event.data.userId)} lost the MLS group and asks to be added again`
    default: {
      const never: never = event
      return `Unknown event ${(never as { type: string }).type}`
    }
  }
}

/** Names the log tells for user ids (who came in, and renames), newest last. */
export function namesIn(events: readonly LoggedEvent[]): Map<string, string> {
  const names = new Map<string, string>()
  for (const e of [...events].sort((a, b) => a.seq - b.seq)) {
    if (e.type === 'UserConnected') names.set(e.data.userId, e.data.name)
    if (e.type === 'UserUpdated' && e.data.patch.name) names.set(e.data.userId, e.data.patch.name)
  }
  return names
}
