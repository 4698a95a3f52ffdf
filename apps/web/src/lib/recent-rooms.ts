import { RoomName } from '@tangerine/contracts/rooms/room'
import * as z from 'zod'

/** Rooms this browser has been in, newest first, kept in localStorage (nothing leaves the device). */
export const RecentRoom = z.object({ name: RoomName, at: z.iso.datetime() })
export type RecentRoom = z.infer<typeof RecentRoom>

const KEY = 'tangerine:recent-rooms'
export const MAX_RECENT_ROOMS = 8

/** What is stored, read leniently: a damaged or foreign entry is dropped, not fatal. */
export function parseRecent(raw: string | null): RecentRoom[] {
  if (!raw) return []
  try {
    const list: unknown = JSON.parse(raw)
    if (!Array.isArray(list)) return []
    return list.flatMap((item) => {
      const parsed = RecentRoom.safeParse(item)
      return parsed.success ? [parsed.data] : []
    })
  } catch {
    return []
  }
}

/** `name` moved to the front (once), the list capped. */
export function withVisit(list: RecentRoom[], name: string, at: Date): RecentRoom[] {
  const entry = { name, at: at.toISOString() }
  return [entry, ...list.filter((r) => r.name !== name)].slice(0, MAX_RECENT_ROOMS)
}

export function recentRooms(storage: Storage = localStorage): RecentRoom[] {
  return parseRecent(storage.getItem(KEY))
}

export function rememberRoom(name: string, storage: Storage = localStorage, at = new Date()) {
  storage.setItem(KEY, JSON.stringify(withVisit(recentRooms(storage), name, at)))
}

export function forgetRoom(name: string, storage: Storage = localStorage) {
  storage.setItem(KEY, JSON.stringify(recentRooms(storage).filter((r) => r.name !== name)))
}
