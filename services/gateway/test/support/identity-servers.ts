import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { exportJWK, generateKeyPair, importJWK, jwtVerify } from 'jose'
import type { TestProject } from 'vitest/node'

/** People the test directory knows, and how it misbehaves for some of them. */
const people: Record<string, { name: string; avatarUrl?: string; profileUrl?: string }> = {
  'ada@example.com': {
    name: 'Ada Lovelace',
    avatarUrl: 'https://example.com/ada.png',
    profileUrl: 'https://example.com/ada',
  },
  'grace@example.com': { name: 'Grace Hopper' },
  // Only identity.int.test.ts's directory-token test looks Alan up: nothing else may cache him first.
  'alan@example.com': { name: 'Alan Turing' },
  // Only identity.int.test.ts's cache test looks Katherine up: its count of lookups is that test's.
  'katherine@example.com': { name: 'Katherine Johnson' },
  // Only identity.int.test.ts's bad-cache test looks Hedy up.
  'hedy@example.com': { name: 'Hedy Lamarr' },
  // A directory entry with hidden characters in it: the gateway must not pass them on.
  'mallory@example.com': { name: '\u202EAda\u200B\nLovelace\uFEFF' },
}

/**
 * What Access's identity provider says of people, for get-identity: a name where it gives one
 * (Grace's provider gives none), hidden characters for Mallory, and a failure for one person.
 */
const accessPeople: Record<string, { name?: string; fail?: number }> = {
  'ada@example.com': { name: 'Augusta Ada King' },
  'grace@example.com': {},
  'mallory@example.com': { name: '\u202EAugusta\u200B\nKing\uFEFF' },
  'broken@example.com': { fail: 502 },
}

/**
 * Access's `GET /cdn-cgi/access/get-identity`: the person behind the `CF_Authorization` cookie,
 * if it is a token Access issued, with the documented fields
 * (https://developers.cloudflare.com/api/resources/zero_trust/subresources/access/subresources/users/,
 * "access_identity") and the identity provider's `name` where it has one. Counts its answers per
 * `identity_nonce`, so tests can see the cache.
 */
async function getIdentity(
  req: IncomingMessage,
  res: ServerResponse,
  verifyKey: CryptoKey | Uint8Array,
  asked: Map<string, number>,
) {
  const cookie = /(?:^|;\s*)CF_Authorization=([^;]+)/.exec(req.headers.cookie ?? '')?.[1]
  const claims = cookie
    ? await jwtVerify(cookie, verifyKey, { algorithms: ['RS256'] }).then(
        (r) => r.payload,
        () => undefined,
      )
    : undefined
  if (!claims || typeof claims.email !== 'string') {
    res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ err: 'no valid CF_Authorization' }))
    return
  }
  const nonce = String(claims.identity_nonce)
  asked.set(nonce, (asked.get(nonce) ?? 0) + 1)
  const person = accessPeople[claims.email] ?? {}
  if (person.fail) return void res.writeHead(person.fail).end('identity unavailable')
  res.writeHead(200, { 'content-type': 'application/json' }).end(
    JSON.stringify({
      ...(person.name ? { name: person.name } : {}),
      email: claims.email,
      idp: { id: 'b1b2c3d4-0000-4000-8000-000000000001', type: 'onetimepin' },
      geo: { country: 'GB' },
      user_uuid: claims.sub,
      account_id: '1234567890',
      iat: claims.iat,
      ip: '127.0.0.1',
      auth_status: 'NONE',
      common_name: '',
      device_id: '',
      service_token_id: '',
      service_token_status: false,
      is_warp: false,
      is_gateway: false,
      version: 2,
      device_sessions: {},
    }),
  )
}

/**
 * The directory takes a Bearer token (RFC 6750 §2.1: `Authorization: Bearer <token>`, the scheme
 * name case-insensitive per RFC 9110 §11.1) and answers anything else with 401 and a
 * `WWW-Authenticate: Bearer` challenge (RFC 6750 §3), with `error="invalid_token"` only when a
 * token was sent (§3.1: a request without credentials gets no error code). True when it answered.
 */
function refuseWithoutToken(req: IncomingMessage, res: ServerResponse, token: string): boolean {
  const given = /^bearer (\S+)$/i.exec(req.headers.authorization ?? '')?.[1]
  if (given === token) return false
  const challenge = given === undefined ? 'Bearer realm="directory"' : 'Bearer realm="directory", error="invalid_token"'
  res.writeHead(401, { 'www-authenticate': challenge, 'content-type': 'application/json' })
  res.end(JSON.stringify({ error: 'unauthorized' }))
  return true
}

/**
 * vitest globalSetup: a real JWKS endpoint (as Cloudflare Access serves its certs) and a real user
 * directory, on loopback, for the gateway's identity tests.
 */
export default async function setup(project: TestProject) {
  const kid = 'test-key-1'
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true })
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' }
  const privateJwk = JSON.stringify({ ...(await exportJWK(privateKey)), kid, alg: 'RS256' })
  const lookups = new Map<string, number>()
  const identityAnswers = new Map<string, number>()
  const verifyKey = await importJWK(publicJwk, 'RS256')
  // A fresh token each run, as strong as a deployed secret must be (packages/contracts/src/secrets.ts).
  const directoryToken = randomBytes(32).toString('hex')

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    if (url.pathname === '/certs') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [publicJwk] }))
      return
    }
    if (url.pathname === '/cdn-cgi/access/get-identity') {
      if (url.searchParams.has('answers'))
        return void res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify(Object.fromEntries(identityAnswers)))
      return void getIdentity(req, res, verifyKey, identityAnswers).catch(() => res.writeHead(500).end())
    }
    const match = /^\/users\/([^/]+)$/.exec(url.pathname)
    if (!match) return void res.writeHead(404).end()
    if (refuseWithoutToken(req, res, directoryToken)) return
    const email = decodeURIComponent(match[1]!)
    lookups.set(email, (lookups.get(email) ?? 0) + 1)
    if (url.pathname.startsWith('/users/') && email === 'lookups') {
      return void res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify(Object.fromEntries(lookups)))
    }
    if (email.startsWith('slow@')) return void setTimeout(() => res.writeHead(200).end('{"name":"Too Late"}'), 5000)
    if (email.startsWith('broken@')) return void res.writeHead(500).end('directory exploded')
    const person = people[email]
    if (!person) return void res.writeHead(404).end()
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ...person, department: 'ignored' }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  project.provide('identityServers', {
    jwksUrl: `http://127.0.0.1:${port}/certs`,
    directoryUrl: `http://127.0.0.1:${port}`,
    directoryToken,
    identityUrl: `http://127.0.0.1:${port}/cdn-cgi/access/get-identity`,
    privateJwk,
    kid,
  })
  return () => new Promise<void>((resolve) => server.close(() => resolve()))
}
