import { afterEach, describe, expect, it, vi } from 'vitest'
import { log } from '../src/log.ts'

afterEach(() => vi.restoreAllMocks())

describe('log', () => {
  it('writes one JSON line per entry, with the level and message first and the fields after', () => {
    const lines: string[] = []
    vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line))
    log('info', 'feedback delivered', { id: 'f1', status: 200 })
    expect(lines).toEqual(['{"level":"info","msg":"feedback delivered","id":"f1","status":200}'])
  })

  it('sends each level to its own console method, debug and info to console.log', () => {
    const seen: [string, string][] = []
    for (const method of ['log', 'warn', 'error'] as const)
      vi.spyOn(console, method).mockImplementation((line: string) => void seen.push([method, JSON.parse(line).level]))
    for (const level of ['debug', 'info', 'warn', 'error'] as const) log(level, 'x')
    expect(seen).toEqual([
      ['log', 'debug'],
      ['log', 'info'],
      ['warn', 'warn'],
      ['error', 'error'],
    ])
  })
})
