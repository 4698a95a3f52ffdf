import { encodeIdentity, IDENTITY_HEADER } from '@tangerine/contracts'
import { OPERATOR_HEADER } from '@tangerine/contracts/ops/operator'
import { describe, expect, it } from 'vitest'
import { randomRoom } from '../helpers/socket.ts'
import { ops } from './support.ts'

const room = randomRoom()
const routes: Array<[string, string]> = [
  ['GET', '/overview'],
  ['GET', '/rooms'],
  ['GET', `/rooms/${room}`],
  ['GET', `/rooms/${room}/events`],
  ['GET', `/rooms/${room}/state?seq=1`],
  ['GET', '/meetings'],
  ['POST', `/rooms/${room}/end`],
  ['POST', `/rooms/${room}/users/${'a'.repeat(32)}/remove`],
]
const outsiders: Array<[string, Record<string, string>]> = [
  ['nobody', {}],
  [
    'a meeting participant',
    { [IDENTITY_HEADER]: encodeIdentity({ name: 'Ada', source: 'session', key: 'a'.repeat(16) }) },
  ],
  ['a mark that is not one', { [OPERATOR_HEADER]: 'operator' }],
  ['a mark naming no way in', { [OPERATOR_HEADER]: btoa(JSON.stringify({ via: 'magic' })) }],
  ['a bearer token', { authorization: 'Bearer dev-admin-token' }],
]

describe('the rooms Worker’s ops routes, to anyone the gateway did not mark as an operator', () => {
  it.each(outsiders)('answer %s with 403', async (_who, headers) => {
    for (const [method, route] of routes) {
      const res = await ops(route, headers, method)
      expect(res.status, `${method} ${route}`).toBe(403)
      expect(await res.json()).toMatchObject({ type: 'https://tangerine.dev/problems/forbidden' })
    }
  })
})
