import { describe, expect, expectTypeOf, it } from 'vitest'
import { publicApi, publicPaths, routePath, type PathParams } from '../src/public-api.ts'

describe('routePath', () => {
  it('puts each param in its place, URI-encoded', () => {
    expect(routePath(publicApi.inviteAi.path, { name: 'design-review' })).toBe('/api/rooms/design-review/ai')
    expect(routePath(publicPaths.roomSocket, { name: 'a/b?c' })).toBe('/api/rooms/a%2Fb%3Fc/ws')
    expect(routePath(publicApi.feedback.path, {})).toBe('/api/feedback')
  })

  it('refuses to build a path with a param missing', () => {
    expect(() => routePath<string>('/api/rooms/:name/ai', {})).toThrow('/api/rooms/:name/ai needs :name')
  })

  it('knows the params of a path from its type', () => {
    expectTypeOf<PathParams<'/api/rooms/:name/ai/:action'>>().toEqualTypeOf<'name' | 'action'>()
    expectTypeOf<PathParams<typeof publicApi.health.path>>().toEqualTypeOf<never>()
  })
})

describe('publicApi', () => {
  it('has a body schema for every POST and none for a GET', () => {
    for (const [name, route] of Object.entries(publicApi)) {
      expect('body' in route, name).toBe(route.method === 'POST')
    }
  })
})
