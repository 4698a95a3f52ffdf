import type { SystemHealth } from '@tangerine/contracts/health'

/** How many health samples the overview keeps per service (a minute or two at its refresh rate). */
export const LATENCY_SAMPLES = 90

/**
 * Each service's health-check latency over time, kept by the page: the API answers only the
 * latest check, and an operator watching wants the trend.
 */
export class LatencyHistory {
  byService = $state<Record<string, number[]>>({})

  add(health: SystemHealth) {
    const next: Record<string, number[]> = { ...this.byService }
    for (const entry of health.services) {
      next[entry.service] = [...(next[entry.service] ?? []), entry.latencyMs].slice(-LATENCY_SAMPLES)
    }
    this.byService = next
  }
}
