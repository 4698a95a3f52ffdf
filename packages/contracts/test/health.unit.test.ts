import { describe, expect, it } from 'vitest'
import { check, HealthQuery, overallStatus, serviceHealth } from '../src/health.ts'

describe('overallStatus', () => {
  it.each([
    [['ok', 'ok'], 'ok'],
    [[], 'ok'],
    [['ok', 'down'], 'degraded'],
    [['ok', 'degraded'], 'degraded'],
    [['down', 'down'], 'down'],
  ] as const)('%j is %s', (statuses, expected) => {
    expect(overallStatus(statuses)).toBe(expected)
  })
})

describe('serviceHealth', () => {
  it('is as bad as its worst check', async () => {
    const failing = await check(() => Promise.reject(new Error('D1 unreachable')))
    const report = serviceHealth('rooms', { d1: failing, durableObject: { status: 'ok' } }, new Date(0))
    expect(report).toEqual({
      service: 'rooms',
      status: 'degraded',
      checks: { d1: { status: 'down', detail: 'D1 unreachable' }, durableObject: { status: 'ok' } },
      time: '1970-01-01T00:00:00.000Z',
    })
  })
})

describe('HealthQuery', () => {
  it('accepts a known service or nothing', () => {
    expect(HealthQuery.parse({})).toEqual({})
    expect(HealthQuery.parse({ service: 'media' })).toEqual({ service: 'media' })
  })

  it('refuses unknown services and unknown parameters', () => {
    expect(HealthQuery.safeParse({ service: 'db' }).success).toBe(false)
    expect(HealthQuery.safeParse({ verbose: '1' }).success).toBe(false)
  })
})
