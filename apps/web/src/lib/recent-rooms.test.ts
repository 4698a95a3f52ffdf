import { describe, expect, it } from 'vitest'
import { forgetRoom, MAX_RECENT_ROOMS, parseRecent, recentRooms, rememberRoom, withVisit } from './recent-rooms.ts'

/** The Web Storage interface over a Map, as a browser's localStorage behaves. */
class MemoryStorage implements Storage {
  #items = new Map<string, string>()
  get length() {
    return this.#items.size
  }
  clear() {
    this.#items.clear()
  }
  getItem(key: string) {
    return this.#items.get(key) ?? null
  }
  key(index: number) {
    return [...this.#items.keys()][index] ?? null
  }
  removeItem(key: string) {
    this.#items.delete(key)
  }
  setItem(key: string, value: string) {
    this.#items.set(key, value)
  }
}

describe('recent rooms', () => {
  it('keeps the newest visit first, each room once, at most MAX_RECENT_ROOMS', () => {
    const storage = new MemoryStorage()
    for (let i = 0; i < MAX_RECENT_ROOMS + 3; i++)
      rememberRoom(`room-${i}`, storage, new Date(Date.UTC(2026, 0, 1, 0, i)))
    rememberRoom('room-5', storage, new Date(Date.UTC(2026, 0, 2)))
    const list = recentRooms(storage)
    expect(list).toHaveLength(MAX_RECENT_ROOMS)
    expect(list.map((r) => r.name).slice(0, 3)).toEqual(['room-5', 'room-10', 'room-9'])
    expect(list[0]?.at).toBe('2026-01-02T00:00:00.000Z')
    expect(new Set(list.map((r) => r.name)).size).toBe(list.length)
  })

  it('forgets a room', () => {
    const storage = new MemoryStorage()
    rememberRoom('a-room', storage)
    rememberRoom('b-room', storage)
    forgetRoom('a-room', storage)
    expect(recentRooms(storage).map((r) => r.name)).toEqual(['b-room'])
  })

  it('drops what is damaged or not a room instead of failing', () => {
    expect(parseRecent('not json')).toEqual([])
    expect(parseRecent('{"a":1}')).toEqual([])
    expect(
      parseRecent(
        JSON.stringify([
          { name: 'Bad Name', at: '2026-01-01T00:00:00Z' },
          { name: 'ok-room', at: '2026-01-01T00:00:00Z' },
          7,
        ]),
      ),
    ).toEqual([{ name: 'ok-room', at: '2026-01-01T00:00:00Z' }])
    expect(withVisit([], 'x-room', new Date(0))).toEqual([{ name: 'x-room', at: '1970-01-01T00:00:00.000Z' }])
  })
})
