import { describe, expect, it } from 'vitest'
import type { z } from 'zod'
import { onlyPushes, proxyRequestSchemas, pullsIn, sessionIdsIn } from '../src/calls/proxy.ts'

type Def = {
  type: string
  shape?: Record<string, z.ZodType>
  catchall?: z.ZodType
  innerType?: z.ZodType
  element?: z.ZodType
  options?: z.ZodType[]
}
const defOf = (schema: z.ZodType) => (schema as unknown as { def: Def }).def

/** Every object in a schema, with the path to it. */
function objectsIn(schema: z.ZodType, path: string): Array<{ path: string; def: Def }> {
  const def = defOf(schema)
  if (def.type === 'object') {
    return [{ path, def }, ...Object.entries(def.shape!).flatMap(([key, s]) => objectsIn(s, `${path}.${key}`))]
  }
  const inner = def.innerType ?? def.element
  return inner ? objectsIn(inner, path) : (def.options ?? []).flatMap((s) => objectsIn(s, path))
}

describe('the Calls proxy’s body schemas', () => {
  // The media Worker checks each session a body names by collecting every `sessionId`: a field that
  // names a session under another name, or a field nobody declared, would pass unchecked.
  it.each(Object.entries(proxyRequestSchemas))(
    '%s refuses unknown fields and names sessions only as sessionId',
    (_name, schema) => {
      for (const { path, def } of objectsIn(schema, 'body')) {
        expect(defOf(def.catchall!).type, `${path} must be strict`).toBe('never')
        const named = Object.keys(def.shape!).filter((k) => /session/i.test(k) && k !== 'sessionDescription')
        expect(
          named.filter((k) => k !== 'sessionId'),
          path,
        ).toEqual([])
      }
    },
  )

  it('refuses a field it does not know, at any depth', () => {
    const { ProxyTracksRequest, ProxyUpdateTracksRequest } = proxyRequestSchemas
    expect(
      ProxyTracksRequest.safeParse({ tracks: [{ location: 'remote', sessionId: 'a', trackName: 't', from: 'b' }] })
        .success,
    ).toBe(false)
    expect(ProxyUpdateTracksRequest.safeParse({ tracks: [{ mid: '1', simulcast: { sessionId: 'b' } }] }).success).toBe(
      false,
    )
    expect(
      ProxyTracksRequest.safeParse({ tracks: [{ location: 'remote', sessionId: 'a', trackName: 't', mid: '#ai' }] })
        .success,
    ).toBe(true)
  })
})

describe('a simulcast layer preference', () => {
  const update = (preferredRid: unknown) =>
    proxyRequestSchemas.ProxyUpdateTracksRequest.safeParse({ tracks: [{ mid: '1', simulcast: { preferredRid } }] })

  it('names a layer as SDP may (RFC 8851 rid-id), at most 16 bytes', () => {
    for (const rid of ['a', 'c', 'hi-res_2', 'x'.repeat(16)]) expect(update(rid).success, rid).toBe(true)
  })

  it('refuses anything else, with the reason', () => {
    for (const rid of ['', 'x'.repeat(17), 'a b', 'a;b', 'é', 'a\r\na=rid:b', 3])
      expect(update(rid).success, String(rid)).toBe(false)
    expect(update('x'.repeat(10_000)).error?.issues[0]?.message).toMatch(/1–16 letters/)
  })
})

describe('sessionIdsIn', () => {
  it('finds every sessionId, wherever it is', () => {
    expect(
      sessionIdsIn({ tracks: [{ sessionId: 'a' }, { location: 'local' }], x: { y: [{ sessionId: 'b' }] } }),
    ).toEqual(['a', 'b'])
    expect(sessionIdsIn(undefined)).toEqual([])
  })
})

describe('pullsIn', () => {
  it('counts as a pull whatever names a session, says remote, or names a track without saying local', () => {
    expect(
      pullsIn({
        tracks: [
          { location: 'local', trackName: 'mine' },
          { location: 'remote', sessionId: 'a', trackName: 't' },
          { sessionId: 'b', trackName: 'u' },
          { location: 'local', sessionId: 'c', trackName: 'v' },
          { trackName: 'w' },
          { location: 'remote', sessionId: 'd' },
        ],
      }),
    ).toEqual([
      { sessionId: 'a', trackName: 't' },
      { sessionId: 'b', trackName: 'u' },
      { sessionId: 'c', trackName: 'v' },
      undefined,
      undefined,
    ])
  })

  it('leaves a push or a layer change of a pulled mid alone', () => {
    expect(pullsIn({ tracks: [{ location: 'local', trackName: 'mine' }] })).toEqual([])
    expect(onlyPushes({ tracks: [{ location: 'local', trackName: 'mine' }] })).toBe(true)
    expect(onlyPushes({ tracks: [{ location: 'remote', sessionId: 'a', trackName: 't' }] })).toBe(false)
  })
})
