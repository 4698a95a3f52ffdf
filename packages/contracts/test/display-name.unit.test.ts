import { describe, expect, it } from 'vitest'
import { DirectoryUser } from '../src/directory.ts'
import { SessionRequest } from '../src/identity.ts'
import { LoggedEvent } from '../src/rooms/events.ts'
import { DisplayName, sanitizeDisplayName } from '../src/rooms/room.ts'

describe('DisplayName', () => {
  it.each([
    ['a right-to-left override', 'Alice\u202Egnp.exe'],
    ['a bidi isolate', '\u2066Alice\u2069'],
    ['a zero-width space', 'Al\u200Bice'],
    ['a zero-width joiner', 'Al\u200Dice'],
    ['a byte order mark', '\uFEFFAlice'],
    ['a soft hyphen', 'Al\u00ADice'],
    ['a newline', 'Alice\nBob'],
    ['a NUL', 'Alice\u0000'],
    ['an escape sequence', 'Alice\u001B[31m'],
    ['a line separator', 'Alice\u2028Bob'],
    ['a paragraph separator', 'Alice\u2029Bob'],
    ['a lone surrogate', 'Alice\uD800'],
  ])('refuses %s', (_label, name) => {
    const parsed = DisplayName.safeParse(name)
    expect(parsed.success).toBe(false)
    expect(parsed.error?.issues[0]?.message).toMatch(/control and invisible characters/)
  })

  it('normalizes: NFC, trimmed, whitespace runs as one space', () => {
    // "e" + combining acute accent is the same name as the precomposed "é".
    expect(DisplayName.parse('  Jose\u0301   Mari\u0301a\u00A0 ')).toBe('José María')
    expect(DisplayName.parse('Ada   Lovelace')).toBe('Ada Lovelace')
  })

  it('refuses what normalizes to nothing, and what is longer than 64 characters once normalized', () => {
    expect(DisplayName.safeParse('   ').success).toBe(false)
    expect(DisplayName.safeParse('x'.repeat(65)).success).toBe(false)
    expect(DisplayName.parse(`${'x'.repeat(32)}     ${'y'.repeat(31)}`)).toHaveLength(64)
  })

  it('keeps names in any script, and emoji', () => {
    for (const name of ['Ada Lovelace', 'Zoë', 'محمد', '李小龍', 'Анна', '🍊 Tangerine'])
      expect(DisplayName.parse(name)).toBe(name)
  })

  it('is the lobby’s rule', () => {
    expect(SessionRequest.safeParse({ name: 'Al\u200Bice' }).success).toBe(false)
    expect(SessionRequest.parse({ name: ' Ada  Lovelace ' })).toEqual({ name: 'Ada Lovelace' })
  })
})

describe('names from Access and the user directory', () => {
  it('drop hidden characters (breaks become spaces) and keep the rest', () => {
    expect(sanitizeDisplayName('\u202EAl\u200Bice\u202C')).toBe('Alice')
    expect(sanitizeDisplayName('Ada\nLovelace')).toBe('Ada Lovelace')
    expect(DirectoryUser.parse({ name: '\uFEFFGrace\u2028Hopper' }).name).toBe('Grace Hopper')
  })

  it('refuse a name with nothing readable left', () => {
    expect(sanitizeDisplayName('\u200B\u202E')).toBeUndefined()
    expect(DirectoryUser.safeParse({ name: '\u200B\u200B' }).success).toBe(false)
  })
})

describe('the log keeps reading names it accepted before', () => {
  it('parses an old UserJoined (no `verified`) whose name has characters refused today', () => {
    const event = {
      seq: 1,
      type: 'UserJoined',
      data: { userId: 'u1', name: 'Al\u200Bice' },
      metadata: { at: '2026-01-01T00:00:00.000Z', actor: 'user:u1', schemaVersion: 1 },
    }
    // Under the name it has now: the log said UserJoined for what is now UserConnected.
    expect(LoggedEvent.parse(event)).toEqual({ ...event, type: 'UserConnected' })
  })
})
