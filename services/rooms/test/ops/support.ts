import { encodeOperator, OPERATOR_HEADER } from '@tangerine/contracts/ops/operator'
import { exports } from 'cloudflare:workers'

/** The operator mark as the gateway sets it on `/api/ops/*`. */
export const asOperator = { [OPERATOR_HEADER]: encodeOperator({ via: 'access', email: 'ops@example.com' }) }

/** `GET /ops…` on the rooms Worker, as the gateway forwards an operator's call (or, with `{}`, anyone's). */
export const ops = (path: string, headers: Record<string, string> = asOperator, method = 'GET') =>
  exports.default.fetch(new Request(`http://rooms.internal/ops${path}`, { headers, method }))

/** Polls `read` until `done` holds (the room tells the registry after it has told its sockets). */
export async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await read()
    if (done(value) || Date.now() > deadline) return value
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}
