import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { freePort } from './free-port.ts'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { startSfu } from '../../../scripts/lib/stack.mjs'

/*
 * The stack's supervision of the local SFU, with real processes: the SFU `npm run dev` starts
 * (its own process group, coturn its child) on ports of its own beside the e2e stack's.
 */

/** Every live process in process group `pgid` (field 5 of /proc/<pid>/stat), zombies aside. */
function groupOf(pgid: number): number[] {
  const pids: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      // After the command's closing parenthesis: state, ppid, pgrp.
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      if (Number(pgrp) === pgid && state !== 'Z') pids.push(Number(entry))
    } catch {
      // gone while we looked
    }
  }
  return pids
}

function isLive(pid: number) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z'
  } catch {
    return false
  }
}

const answers = async (url: string) => (await fetch(url).catch(() => undefined))?.ok === true

describe('the local SFU under supervision', () => {
  const dirs: string[] = []
  const stops: Array<() => Promise<void>> = []
  afterEach(async () => {
    for (const stop of stops.splice(0)) await stop()
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
  })

  async function sfu() {
    const persistTo = mkdtempSync(join(tmpdir(), 'tangerine-supervision-'))
    dirs.push(persistTo)
    const port = await freePort()
    const running = await startSfu({ stdio: 'pipe', persistTo, port, turnPort: 0 })
    stops.push(running.stop)
    const pid = running.pid()!
    // The SFU leads its group; its coturn is the other member.
    await expect.poll(() => groupOf(pid).length).toBe(2)
    return { ...running, healthz: `http://127.0.0.1:${port}/healthz`, persistTo, first: groupOf(pid) }
  }

  it('restarts the SFU killed with SIGKILL, and its orphaned coturn goes', async () => {
    const { pid, healthz, persistTo, first } = await sfu()
    const killed = pid()!
    process.kill(killed, 'SIGKILL')
    await expect.poll(() => pid(), { timeout: 20_000 }).not.toBe(killed)
    await expect.poll(() => answers(healthz), { timeout: 20_000 }).toBe(true)
    // Tests and the bench find the SFU to kill by this file.
    expect(Number(readFileSync(join(persistTo, 'sfu.pid'), 'utf8'))).toBe(pid())
    // The new SFU has a coturn of its own; the old group, coturn included, is gone.
    await expect.poll(() => groupOf(pid()!).length).toBe(2)
    await expect.poll(() => first.filter(isLive), { timeout: 10_000 }).toEqual([])
  })

  it('stops everything within 10 s after the SFU died from a signal', async () => {
    const { pid, stop, first } = await sfu()
    process.kill(pid()!, 'SIGKILL')
    // Stopped while the dead SFU (exitCode null, signalCode SIGKILL) awaits its restart.
    await expect.poll(() => isLive(first[0]!), { interval: 10 }).toBe(false)
    const started = Date.now()
    await Promise.race([
      stop(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('stop() still waiting after 10 s')), 10_000)),
    ])
    // The dead SFU's coturn, and a new SFU with its coturn if the restart came first: none left.
    const last = pid()!
    const left = () => [...first.filter(isLive), ...groupOf(first[0]!), ...groupOf(last)]
    await expect.poll(left, { timeout: 10_000 - (Date.now() - started) }).toEqual([])
  })
})
