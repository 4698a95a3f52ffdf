import { encodeIdentity, IDENTITY_HEADER, type Identity } from '@tangerine/contracts'
import { encodeOperator, OPERATOR_HEADER } from '@tangerine/contracts/ops/operator'
import { exports } from 'cloudflare:workers'

/** A caller of its own (a fresh session: its own user key), so each test has its own rate-limit bucket. */
export const someone = (name = `Tester ${crypto.randomUUID().slice(0, 8)}`): Identity => ({
  name,
  source: 'session',
  key: crypto.randomUUID().replaceAll('-', '').slice(0, 16),
})

/** An address of the documentation range, as Cloudflare's edge would put in `cf-connecting-ip`. */
export const someAddress = () => `2001:db8::${crypto.randomUUID().slice(0, 4)}:${crypto.randomUUID().slice(0, 4)}`

/** `POST /api/feedback` as the gateway forwards it: the public URL and the identity header. */
export function postFeedback(
  body: unknown,
  /** `null`: an anonymous caller, with no identity header. */
  who: Identity | null = someone(),
  init: { contentType?: string; raw?: string; address?: string } = {},
) {
  const headers = new Headers({
    'content-type': init.contentType ?? 'application/json',
    'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) TestBrowser/1.0',
    // Each request from an address of its own unless a test names one: the per-address limit
    // is tested on its own.
    'cf-connecting-ip': init.address ?? someAddress(),
  })
  if (who) headers.set(IDENTITY_HEADER, encodeIdentity(who))
  return exports.default.fetch(
    new Request('https://meet.example.com/feedback', {
      method: 'POST',
      headers,
      body: init.raw ?? JSON.stringify(body),
    }),
  )
}

/** The operator mark as the gateway sets it. */
export const OPERATOR_MARK = encodeOperator({ via: 'access', email: 'ops@example.com' })

/** An ops request (`/ops` + path) as the gateway forwards it; `mark: null` sends no operator header. */
export function admin(path: string, init: RequestInit = {}, mark: string | null = OPERATOR_MARK) {
  const headers = new Headers(init.headers)
  if (mark !== null) headers.set(OPERATOR_HEADER, mark)
  return exports.default.fetch(new Request(`https://meet.example.com/ops${path}`, { ...init, headers }))
}
