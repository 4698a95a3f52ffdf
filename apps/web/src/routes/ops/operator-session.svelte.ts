import { OpsSessionResponse, type OpsSessionRequest } from '@tangerine/contracts/ops/api'
import type { Operator } from '@tangerine/contracts/ops/operator'

type Status = 'checking' | 'operator' | 'outsider'

/**
 * Whether this browser is an operator, as the gateway says (`/api/ops/session`). One per page:
 * the dashboard runs only in the browser, so this is never shared between visitors.
 */
class OperatorSession {
  status = $state<Status>('checking')
  operator = $state<Operator | null>(null)
  /** Why the last sign-in was refused. */
  error = $state<string | undefined>()

  async #ask(init: RequestInit = {}): Promise<OpsSessionResponse | undefined> {
    const res = await fetch('/api/ops/session', init).catch(() => undefined)
    if (!res) {
      this.error = 'The gateway could not be reached'
      return undefined
    }
    const json: unknown = await res.json().catch(() => undefined)
    const parsed = OpsSessionResponse.safeParse(json)
    if (res.ok && parsed.success) return parsed.data
    const detail = (json as { detail?: unknown } | undefined)?.detail
    this.error = typeof detail === 'string' ? detail : `Sign-in answered ${res.status}`
    return undefined
  }

  #set(answer: OpsSessionResponse | undefined) {
    this.operator = answer?.operator ?? null
    this.status = this.operator ? 'operator' : 'outsider'
  }

  async check() {
    this.#set(await this.#ask())
  }

  /** Trades the operator token for the HttpOnly cookie. */
  async signIn(token: string) {
    this.error = undefined
    const body: OpsSessionRequest = { token }
    this.#set(
      await this.#ask({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    )
  }

  async signOut() {
    await this.#ask({ method: 'DELETE' })
    this.#set(undefined)
  }

  /** An ops call was refused: the cookie expired, or the token changed. */
  lost() {
    this.#set(undefined)
  }
}

export const operatorSession = new OperatorSession()
