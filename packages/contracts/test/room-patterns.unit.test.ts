import { describe, expect, it } from 'vitest'
import { AiUserRequest, ThirdPartyQuery } from '../src/ai/api.ts'
import { ProxyQuery } from '../src/calls/api.ts'
import { RoomSocketQuery } from '../src/rooms/messages.ts'
import { RoomParam } from '../src/rooms/room.ts'

/*
 * A room name and a room user id mean the same wherever they come in: the room socket, the Calls
 * proxy, the AI routes and the third-party sessions all take and refuse the same ones.
 */

const user = '0123456789abcdef0123456789abcdef'
const rooms = {
  good: ['a', 'amber-badger-100', 'x'.repeat(64)],
  bad: ['', 'Amber', 'a--b', '-a', 'a-', 'a b', 'x'.repeat(65)],
}
const users = {
  good: [user, 'Ab_-0123', 'x'.repeat(64)],
  bad: ['', 'short', 'x'.repeat(65), 'with space', 'has/slash'],
}

const roomTakers = {
  RoomParam: (room: string) => RoomParam.safeParse({ name: room }).success,
  ProxyQuery: (room: string) => ProxyQuery.safeParse({ room, user }).success,
  ThirdPartyQuery: (room: string) => ThirdPartyQuery.safeParse({ room }).success,
}
const userTakers = {
  RoomSocketQuery: (id: string) => RoomSocketQuery.safeParse({ _pk: id }).success,
  ProxyQuery: (id: string) => ProxyQuery.safeParse({ room: 'a', user: id }).success,
  ThirdPartyQuery: (id: string) => ThirdPartyQuery.safeParse({ room: 'a', owner: id }).success,
  AiUserRequest: (id: string) => AiUserRequest.safeParse({ user: id }).success,
}

describe('room names and room user ids', () => {
  it.each(Object.entries(roomTakers))('%s takes the same room names', (_name, takes) => {
    for (const room of rooms.good) expect(takes(room), room).toBe(true)
    for (const room of rooms.bad) expect(takes(room), room).toBe(false)
  })

  it.each(Object.entries(userTakers))('%s takes the same user ids', (_name, takes) => {
    for (const id of users.good) expect(takes(id), id).toBe(true)
    for (const id of users.bad) expect(takes(id), id).toBe(false)
  })
})
