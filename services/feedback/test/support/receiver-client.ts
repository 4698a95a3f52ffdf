import { inject } from 'vitest'
import type { ReceiverState } from './receiver.ts'

/** The tests' side of the receiver's control API (test/support/receiver.ts). */
const { controlUrl, hookUrl } = inject('feedbackReceiver')

type Mode = '500' | 'hang' | 'reset'
type Plan = { failures: number; mode: Mode | Mode[] }

export { hookUrl }

export async function plan(plans: { keys?: { [key: string]: Plan }; markers?: { [marker: string]: Plan } }) {
  const res = await fetch(`${controlUrl}/plans`, { method: 'POST', body: JSON.stringify(plans) })
  await res.body?.cancel()
}

export async function setListener(open: boolean) {
  const res = await fetch(`${controlUrl}/listener`, { method: 'POST', body: JSON.stringify({ open }) })
  await res.body?.cancel()
}

export async function records(): Promise<ReceiverState> {
  return (await fetch(`${controlUrl}/records`)).json()
}

/** Polls until `check` holds (a real queue delivers on its own schedule). */
export async function eventually<T>(
  read: () => Promise<T>,
  check: (value: T) => boolean,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let value = await read()
  while (!check(value)) {
    if (Date.now() > deadline)
      throw new Error(`Timed out after ${timeoutMs} ms; last value: ${JSON.stringify(value).slice(0, 1000)}`)
    await new Promise((r) => setTimeout(r, 100))
    value = await read()
  }
  return value
}
