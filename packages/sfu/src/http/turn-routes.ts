import type { IncomingMessage } from 'node:http'
import { timingSafeEqual } from 'node:crypto'
import {
  CreateTurnKeyRequest,
  GenerateIceServersRequest,
  RenameTurnKeyRequest,
  TurnUsername,
} from '@tangerine/contracts/calls/turn'
import { CallsError } from '../errors.ts'
import type { TurnService } from '../turn/service.ts'
import { parseBody, readBody } from './io.ts'

/*
 * Cloudflare's TURN API (spec section B) over coturn. Key management has Cloudflare's account API
 * path and envelope (`/client/v4/accounts/{account}/calls/turn_keys`), with the account's app
 * secret as its API token; the credential API sits beside the Calls API
 * (`[/v1]/turn/keys/{keyId}/credentials/…`), the key itself as bearer.
 */

export interface TurnRouteDeps {
  apps: Map<string, string>
  turn: TurnService | undefined
  maxBodyBytes: number
}

export type RouteResult = { status: number; body: unknown }

const keysRoute = /^\/client\/v4\/accounts\/([^/]+)\/calls\/turn_keys(?:\/([^/]+))?\/?$/
const credentialsRoute =
  /^(?:\/v1)?\/turn\/keys\/([^/]+)\/credentials\/(?:(generate-ice-servers|generate)|([^/]+)\/revoke)\/?$/

/** An account API failure, in Cloudflare's envelope. */
export class EnvelopeError extends Error {
  readonly status: number
  readonly code: number

  // Plain fields, not parameter properties: the SFU runs on Node's type stripping.
  constructor(status: number, code: number, message: string) {
    super(message)
    this.status = status
    this.code = code
  }
}

export const envelopeBody = (result: unknown, errors: Array<{ code: number; message: string }> = []) => ({
  success: errors.length === 0,
  errors,
  messages: [],
  result: errors.length === 0 ? result : null,
})

const bearer = (req: IncomingMessage) => /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim() ?? ''

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

function enabled(deps: TurnRouteDeps): TurnService {
  if (!deps.turn) throw new CallsError(404, 'not_found', 'TURN is not enabled on this SFU (set SFU_TURN_PORT)')
  return deps.turn
}

/** Answers TURN API paths; undefined for any other path. */
export async function routeTurn(
  deps: TurnRouteDeps,
  req: IncomingMessage,
  method: string,
  url: URL,
): Promise<RouteResult | undefined> {
  const keys = keysRoute.exec(url.pathname)
  if (keys) return turnKeys(deps, req, method, decodeURIComponent(keys[1]!), keys[2] && decodeURIComponent(keys[2]))
  const creds = credentialsRoute.exec(url.pathname)
  if (creds)
    return credentials(
      deps,
      req,
      method,
      decodeURIComponent(creds[1]!),
      creds[2],
      creds[3] && decodeURIComponent(creds[3]),
    )
  return undefined
}

async function turnKeys(
  deps: TurnRouteDeps,
  req: IncomingMessage,
  method: string,
  account: string,
  keyId: string | undefined,
): Promise<RouteResult> {
  const token = deps.apps.get(account)
  if (token === undefined) throw new EnvelopeError(404, 7003, 'Account not found')
  if (!sameSecret(bearer(req), token)) throw new EnvelopeError(401, 10000, 'Authentication error')
  if (!deps.turn) throw new EnvelopeError(404, 7003, 'TURN is not enabled on this SFU (set SFU_TURN_PORT)')
  const { store } = deps.turn
  const body = method === 'POST' || method === 'PUT' ? await readBody(req, deps.maxBodyBytes) : ''
  const parse = <T>(run: () => T): T => {
    try {
      return run()
    } catch (err) {
      throw err instanceof CallsError ? new EnvelopeError(400, 7001, err.message) : err
    }
  }
  if (keyId === undefined) {
    if (method === 'POST') {
      const { name } = parse(() => parseBody(CreateTurnKeyRequest, body))
      return { status: 201, body: envelopeBody(store.createKey(account, name ?? '')) }
    }
    if (method === 'GET') return { status: 200, body: envelopeBody(store.listKeys(account)) }
    throw new EnvelopeError(405, 10405, `${method} is not allowed here`)
  }
  const missing = () => new EnvelopeError(404, 7003, `TURN key ${keyId.slice(0, 64)} not found`)
  if (method === 'GET') return { status: 200, body: envelopeBody(store.getKey(account, keyId) ?? throwIt(missing())) }
  if (method === 'PUT') {
    const { name } = parse(() => parseBody(RenameTurnKeyRequest, body))
    return { status: 200, body: envelopeBody(store.renameKey(account, keyId, name) ?? throwIt(missing())) }
  }
  if (method === 'DELETE') {
    const key = store.getKey(account, keyId) ?? throwIt(missing())
    store.deleteKey(account, keyId)
    return { status: 200, body: envelopeBody(key) }
  }
  throw new EnvelopeError(405, 10405, `${method} is not allowed here`)
}

async function credentials(
  deps: TurnRouteDeps,
  req: IncomingMessage,
  method: string,
  keyId: string,
  generate: string | undefined,
  username: string | undefined,
): Promise<RouteResult> {
  const turn = enabled(deps)
  if (method !== 'POST') throw new CallsError(404, 'not_found', `No route for ${method} on TURN credentials`)
  if (!turn.store.authorizeKey(keyId, bearer(req)))
    throw new CallsError(401, 'unauthorized', 'Missing or wrong TURN key')
  const body = await readBody(req, deps.maxBodyBytes)
  if (username !== undefined) {
    if (!TurnUsername.safeParse(username).success) throw new CallsError(400, 'invalid_params', 'Not a TURN username')
    // Like Cloudflare, revoking an unknown or already revoked username is not an error.
    turn.store.revoke(keyId, username)
    return { status: 204, body: undefined }
  }
  const { ttl } = parseBody(GenerateIceServersRequest, body)
  const iceServers = turn.iceServers(turn.store.issue(keyId, ttl))
  // The older `generate` answers one object rather than the list.
  return { status: 201, body: generate === 'generate' ? { iceServers: iceServers[1] } : { iceServers } }
}

function throwIt(err: Error): never {
  throw err
}
