import { RoomName } from '@tangerine/contracts/rooms/room'

const adjectives = [
  'amber',
  'brave',
  'calm',
  'clever',
  'cosy',
  'crisp',
  'daring',
  'eager',
  'fancy',
  'gentle',
  'golden',
  'happy',
  'jolly',
  'keen',
  'lively',
  'lucky',
  'mellow',
  'merry',
  'nimble',
  'proud',
  'quiet',
  'rapid',
  'shiny',
  'silver',
  'sunny',
  'swift',
  'tidy',
  'vivid',
  'witty',
  'zesty',
] as const
const nouns = [
  'badger',
  'beacon',
  'canyon',
  'comet',
  'dolphin',
  'falcon',
  'fern',
  'harbor',
  'heron',
  'island',
  'lagoon',
  'lantern',
  'maple',
  'meadow',
  'orchard',
  'otter',
  'panda',
  'pebble',
  'pine',
  'raven',
  'river',
  'robin',
  'summit',
  'tangerine',
  'thistle',
  'tiger',
  'tulip',
  'valley',
  'walrus',
  'willow',
] as const

function pick<T>(items: readonly T[], random: () => number): T {
  return items[Math.floor(random() * items.length)] as T
}

/** A readable room name such as `swift-otter-482`: about 900k choices, easy to say aloud. */
export function randomRoomName(random: () => number = Math.random): RoomName {
  const number = 100 + Math.floor(random() * 900)
  return RoomName.parse(`${pick(adjectives, random)}-${pick(nouns, random)}-${number}`)
}

/**
 * What a person typed or pasted into "join": a bare name or a whole meeting link.
 * Returns the room name, or undefined when it is not one.
 */
export function roomNameFrom(input: string): RoomName | undefined {
  const trimmed = input.trim()
  let candidate = trimmed.toLowerCase()
  try {
    const url = new URL(trimmed)
    const match = /^\/r\/([^/]+)\/?$/.exec(url.pathname)
    if (!match?.[1]) return undefined
    candidate = decodeURIComponent(match[1]).toLowerCase()
  } catch {
    // Not a URL: a bare name.
  }
  const parsed = RoomName.safeParse(candidate)
  return parsed.success ? parsed.data : undefined
}
