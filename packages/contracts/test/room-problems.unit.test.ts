import { describe, expect, it } from 'vitest'
import { problem, problemTypes, RoomRefusalProblem } from '../src/errors.ts'
import { RoomErrorCode } from '../src/rooms/messages.ts'

describe('room refusals as Problem Details', () => {
  it('has one problem type per room error code, read back as that code', () => {
    for (const code of RoomErrorCode.options) {
      const refusal = problem(409, 'Refused by the room', { type: problemTypes.room[code], detail: 'why' })
      expect(RoomRefusalProblem.parse(refusal)).toMatchObject({ code, detail: 'why' })
    }
    expect(new Set(Object.values(problemTypes.room)).size).toBe(RoomErrorCode.options.length)
  })

  it('keeps the wire format clients see', () => {
    expect(problemTypes.room.conflict).toBe('https://tangerine.dev/problems/room/conflict')
  })

  it('is no room refusal when the type is another problem’s', () => {
    for (const type of [
      problemTypes.validation,
      problemTypes.unauthorized,
      'about:blank',
      'https://x.test/room/conflict',
    ])
      expect(RoomRefusalProblem.safeParse(problem(409, 'Refused', { type })).success, type).toBe(false)
  })
})
