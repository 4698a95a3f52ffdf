import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { operatorToken, startStack } from '../lib/stack.mjs'

/**
 * vitest globalSetup for end-to-end tests: the whole system as `npm run dev` runs it, on its own
 * port with fresh local state, torn down afterwards.
 */
export default async function setup(project: TestProject) {
  const persistTo = mkdtempSync(join(tmpdir(), 'tangerine-e2e-'))
  const port = Number(process.env.E2E_PORT ?? 8790)
  // The SFU's whole log, one file per run beside the screenshots, to read a failure against what the
  // SFU did (scripts/lib/local-sfu.mjs writes it; SFU_LOG_LEVEL=debug adds what it forwarded).
  process.env.SFU_LOG_FILE ??= join(
    import.meta.dirname,
    '../../artifacts/sfu-logs',
    `sfu-${new Date().toISOString().replace(/[:.]/g, '-')}.log`,
  )
  // The feedback consumer delivers to a receiver that apps/web/e2e/feedback.e2e.test.ts and
  // ops.e2e.test.ts run on this fixed port; no other test sends reports.
  // The query carries a webhook's key and token, as a Google Chat webhook URL does; the receiver demands them.
  const receiverPort = Number(process.env.E2E_FEEDBACK_PORT ?? port + 9)
  const feedbackReceiverUrl = `http://127.0.0.1:${receiverPort}/hook?key=e2e-webhook-key&token=e2e-webhook-token`
  // A report the receiver refuses is dead after two quick tries (the ops test replays one).
  const stack = await startStack({
    port,
    persistTo,
    stdio: 'pipe',
    feedbackUrl: feedbackReceiverUrl,
    quickDeadLetters: true,
  })
  project.provide('stackUrl', stack.url)
  project.provide('feedbackReceiverUrl', feedbackReceiverUrl)
  // The supervisor keeps the running SFU's pid there: apps/web/e2e/faults.e2e.test.ts kills it.
  project.provide('sfuPidFile', join(persistTo, 'sfu.pid'))
  // startStack made services/gateway/.dev.vars from its example if there was none.
  const token = operatorToken()
  if (!token) throw new Error('services/gateway/.dev.vars has no ADMIN_TOKEN: the ops tests cannot sign in')
  project.provide('operatorToken', token)
  return async () => {
    await stack.stop()
    rmSync(persistTo, { recursive: true, force: true })
  }
}
