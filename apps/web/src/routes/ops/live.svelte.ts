import type { OpsResult } from './ops-api'
import { operatorSession } from './operator-session.svelte'

/**
 * An answer kept fresh: asked again `intervalMs` after the last one came back (never two at once),
 * while a component has it started. Views refresh well within 2 s, without a reload.
 */
export class Live<T> {
  data = $state<T | undefined>()
  error = $state<string | undefined>()
  /** When the last answer arrived (ms since the epoch). */
  at = $state<number | undefined>()

  readonly #load: () => Promise<OpsResult<T>>
  readonly #intervalMs: number
  #timer: ReturnType<typeof setTimeout> | undefined
  #running = false
  #calls = 0

  constructor(load: () => Promise<OpsResult<T>>, intervalMs = 1000) {
    this.#load = load
    this.#intervalMs = intervalMs
  }

  /** Starts polling; returns the stop function (an `$effect`'s cleanup). */
  start = () => {
    this.#running = true
    void this.refresh()
    return () => {
      this.#running = false
      clearTimeout(this.#timer)
    }
  }

  /** Asks now (after an action, or a filter changed), then goes on at the interval. */
  async refresh() {
    clearTimeout(this.#timer)
    const call = ++this.#calls
    // The view's script runs under the sign-in page too: ask nothing until this is an operator.
    if (operatorSession.status !== 'operator') {
      if (this.#running) this.#timer = setTimeout(() => void this.refresh(), 200)
      return
    }
    const answer = await this.#load()
    // A newer ask (a changed filter) is under way: this answer is stale, and that one goes on.
    if (call !== this.#calls) return
    if (answer.ok) {
      this.data = answer.data
      this.error = undefined
      this.at = Date.now()
    } else {
      this.error = answer.message
    }
    if (this.#running) this.#timer = setTimeout(() => void this.refresh(), this.#intervalMs)
  }
}
