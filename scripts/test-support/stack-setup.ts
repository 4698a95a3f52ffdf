import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { startStack } from '../lib/stack.mjs'


/**
 * vitest globalSetup for end-to-end tests: the whole system as `npm run dev` runs it, on its own
 * port with fresh local state, torn down afterwards.
 */
export default async function setup(project: TestProject) {
  const persistTo = mkdtempSync(join(tmpdir(), 'tangerine-e2e-'))
  const port = Number(process.env.E2E_PORT ?? 8790)
  const stack = await startStack({ port, persistTo, stdio: 'pipe' })
  project.provide('stackUrl', stack.url)
  return async () => {
    await stack.stop()
    rmSync(persistTo, { recursive: true, force: true })
  }
}
