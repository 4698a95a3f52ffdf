import { ProblemDetails } from '@tangerine/contracts/errors'
import { createExecutionContext } from 'cloudflare:test'
import { expect, vi } from 'vitest'

/*
 * A Worker's answer outside local development: its real bindings with TANGERINE_ENV unset and
 * some secrets replaced, through its own fetch handler, and the error lines it logged meanwhile.
 */

/** 32 random-looking bytes: strong enough outside local development. */
export const STRONG = 'Zq7xW2mR9tL4vB8nK1cF6hJ3pD5sG0aY'

interface Worker {
  fetch?: (request: Request, env: never, ctx: ExecutionContext) => Response | Promise<Response>
}

export async function inProduction(worker: Worker, env: object, path: string, secrets: Record<string, string>) {
  const errors = vi.spyOn(console, 'error')
  try {
    const deployed = { ...env, TANGERINE_ENV: '', ...secrets } as never
    const res = await worker.fetch!(new Request(`http://localhost${path}`), deployed, createExecutionContext())
    const logged = errors.mock.calls.map((args) => args.map(String).join(' ')).join('\n')
    return { status: res.status, body: (await res.json()) as unknown, logged }
  } finally {
    errors.mockRestore()
  }
}

/** The refusal: 503 Problem Details that names nothing, and a log line naming the variable but not its value. */
export function expectRefused(answer: Awaited<ReturnType<typeof inProduction>>, name: string, value: string) {
  expect(answer.status).toBe(503)
  const problem = ProblemDetails.parse(answer.body)
  expect(problem).toMatchObject({ status: 503, title: 'Not configured' })
  expect(JSON.stringify(problem)).not.toContain(name)
  expect(answer.logged).toMatch(new RegExp(`${name} is (missing|too short|a committed example value)`))
  if (value) expect(answer.logged).not.toContain(value)
}
