import { IceServersResponse } from '@tangerine/contracts/calls/api'
import { cfEnvelope, TurnKey, TurnKeyCreated } from '@tangerine/contracts/calls/turn'
import * as z from 'zod'

/*
 * Cloudflare's TURN API (spec section B): key management on the account API
 * (`CLOUDFLARE_API_URL`, the API token), credentials under the Calls base (`CALLS_API_URL`, the
 * key as bearer). Locally both are the SFU's (packages/sfu), which serves the same paths over coturn.
 */

/** An upstream refusal or failure; `status` is the upstream's, 502 for an unreadable answer. */
export class TurnApiError extends Error {
  readonly status: number

  constructor(status: number, message: string) {
    super(message)
    this.status = status
  }
}

/**
 * What a TurnKeys method answers: errors do not keep their class across Durable Object RPC, so
 * TURN API failures travel as values and become TurnApiError again on the caller's side.
 */
export type Outcome<T> = { ok: true; value: T } | { ok: false; status: number; message: string }

export async function attempt<T>(work: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await work() }
  } catch (err) {
    if (err instanceof TurnApiError) return { ok: false, status: err.status, message: err.message }
    throw err
  }
}

export function unwrap<T>(outcome: Outcome<T>): T {
  if (outcome.ok) return outcome.value
  throw new TurnApiError(outcome.status, outcome.message)
}

const trim = (url: string) => url.replace(/\/+$/, '')

async function readJson(res: Response): Promise<unknown> {
  const text = await res.text()
  try {
    return text ? JSON.parse(text) : undefined
  } catch {
    throw new TurnApiError(502, `The TURN API answered ${res.status} with something that is not JSON`)
  }
}

async function account<T extends z.ZodType>(
  env: MediaEnv,
  method: string,
  path: string,
  schema: T,
  body?: unknown,
): Promise<z.infer<T>> {
  const url = `${trim(env.CLOUDFLARE_API_URL)}/accounts/${encodeURIComponent(env.CLOUDFLARE_ACCOUNT_ID)}/calls/turn_keys${path}`
  const res = await fetch(url, {
    method,
    headers: {
      authorization: `Bearer ${env.CLOUDFLARE_API_TOKEN}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const parsed = cfEnvelope(schema).safeParse(await readJson(res))
  if (!parsed.success)
    throw new TurnApiError(502, `The TURN key API answered ${res.status} outside Cloudflare's envelope`)
  const { success, errors, result } = parsed.data
  if (!res.ok || !success || result === null) {
    throw new TurnApiError(
      res.status >= 400 ? res.status : 502,
      `TURN key API: ${errors.map((e) => e.message).join('; ') || res.status}`,
    )
  }
  return result as z.infer<T>
}

export const createKey = (env: MediaEnv, name: string) => account(env, 'POST', '', TurnKeyCreated, { name })
export const listKeys = (env: MediaEnv) => account(env, 'GET', '', z.array(TurnKey))
export const renameKey = (env: MediaEnv, uid: string, name: string) =>
  account(env, 'PUT', `/${encodeURIComponent(uid)}`, TurnKey, { name })
export const deleteKey = (env: MediaEnv, uid: string) =>
  account(env, 'DELETE', `/${encodeURIComponent(uid)}`, z.unknown())

const credentialsUrl = (env: MediaEnv, keyId: string) =>
  `${trim(env.CALLS_API_URL)}/turn/keys/${encodeURIComponent(keyId)}/credentials`

export async function generateIceServers(
  env: MediaEnv,
  key: { uid: string; secret: string },
  ttl: number,
): Promise<IceServersResponse> {
  const res = await fetch(`${credentialsUrl(env, key.uid)}/generate-ice-servers`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key.secret}`, 'content-type': 'application/json' },
    body: JSON.stringify({ ttl }),
  })
  const body = await readJson(res)
  if (!res.ok) throw new TurnApiError(res.status, `generate-ice-servers answered ${res.status}`)
  const parsed = IceServersResponse.safeParse(body)
  if (!parsed.success) throw new TurnApiError(502, 'generate-ice-servers answered something that is not iceServers')
  return parsed.data
}

export async function revokeCredential(
  env: MediaEnv,
  key: { uid: string; secret: string },
  username: string,
): Promise<void> {
  const res = await fetch(`${credentialsUrl(env, key.uid)}/${encodeURIComponent(username)}/revoke`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key.secret}` },
  })
  await res.body?.cancel()
  if (!res.ok) throw new TurnApiError(res.status, `revoke answered ${res.status}`)
}
