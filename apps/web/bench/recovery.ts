// Media recovery: two people in a meeting, the stack's SFU killed with SIGKILL and restarted by
// the stack's supervisor; timed from the moment the new SFU answers its health check to the
// moment both pages show the other's camera moving again (frames presented over half a second,
// so up to 0.5 s late). Also printed: the SFU's own restart (kill → answering). Over RUNS
// restarts of one meeting, each after both see each other again; prints figures, asserts nothing.
// Run: npm run bench -w apps/web     (RUNS=10 by default)
import type { Page } from 'playwright-core'
import { killSfu, seeEachOther } from '../e2e/sfu-restart.ts'
import { benchStack } from './stack.ts'

const RUNS = Number(process.env.RUNS ?? 10)
const { stack, inLobby, close } = await benchStack(8791)

async function joined(name: string, room: string): Promise<Page> {
  const page = await inLobby(name, room)
  await page.getByRole('button', { name: 'Join', exact: true }).click()
  await page.getByRole('navigation', { name: 'Meeting controls' }).waitFor()
  return page
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!

try {
  const room = `bench-recovery-${Date.now().toString(36)}`
  const ada = await joined('Ada', room)
  const bob = await joined('Bob', room)
  const pairs: Array<[Page, string]> = [
    [ada, 'Bob'],
    [bob, 'Ada'],
  ]
  await seeEachOther(pairs, 60_000)
  const recoveries: number[] = []
  const restarts: number[] = []
  for (let run = 0; run < RUNS; run++) {
    const killedAt = performance.now()
    const back = await killSfu(stack.sfuPid)
    const seen = await seeEachOther(pairs, 60_000)
    restarts.push(back - killedAt)
    recoveries.push(seen - back)
    console.log(
      `  run ${run + 1}: SFU back ${(back - killedAt).toFixed(0)} ms after the kill, media ${(seen - back).toFixed(0)} ms after that`,
    )
  }
  const range = (xs: number[]) => `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)} ms`
  console.log(
    `media recovery after the SFU is back, ${RUNS} restarts: median ${median(recoveries).toFixed(0)} ms (${range(recoveries)})`,
  )
  console.log(`SFU restart (SIGKILL → answering again): median ${median(restarts).toFixed(0)} ms (${range(restarts)})`)
} finally {
  await close()
}
