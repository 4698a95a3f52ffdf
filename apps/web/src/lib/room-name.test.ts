import { RoomName } from '@tangerine/contracts/rooms/room'
import { describe, expect, it } from 'vitest'
import { randomRoomName, roomNameFrom } from './room-name.ts'

describe('randomRoomName', () => {
  it('makes valid, readable names that differ from call to call', () => {
    const names = new Set(Array.from({ length: 200 }, () => randomRoomName()))
    for (const name of names) {
      expect(RoomName.safeParse(name).success).toBe(true)
      expect(name).toMatch(/^[a-z]+-[a-z]+-\d{3}$/)
    }
    expect(names.size).toBeGreaterThan(190)
  })

  it('covers the ends of its word lists', () => {
    expect(randomRoomName(() => 0)).toBe('amber-badger-100')
    expect(randomRoomName(() => 0.999999)).toBe('zesty-willow-999')
  })
})

describe('roomNameFrom', () => {
  it.each([
    ['swift-otter-482', 'swift-otter-482'],
    ['  Swift-Otter-482 ', 'swift-otter-482'],
    ['http://localhost:8787/r/swift-otter-482', 'swift-otter-482'],
    ['https://meet.example.com/r/team-standup/', 'team-standup'],
  ])('reads %j as %j', (input, expected) => {
    expect(roomNameFrom(input)).toBe(expected)
  })

  it.each(['', 'two words', 'bad_name', '-leading', 'https://example.com/other/path', 'a'.repeat(65)])(
    'refuses %j',
    (input) => {
      expect(roomNameFrom(input)).toBeUndefined()
    },
  )
})
