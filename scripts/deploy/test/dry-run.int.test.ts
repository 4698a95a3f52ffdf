import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { beforeAll, describe, expect, it } from 'vitest'
import { uploadParts } from '../src/bundles.ts'
import { type DryRunResult, readBudgets } from '../src/dry-run.ts'
import { productionLeaks } from '../src/production-scan.ts'
import { workerDirs } from '../src/workers.ts'

/*
 * `npm run deploy -- --dry-run` as npm test runs it (the web app built by turbo beforehand):
 * every Worker built from its committed config as it would be uploaded, within its budget.
 */

const main = join(dirname(fileURLToPath(import.meta.url)), '../src/main.ts')
let result: DryRunResult
let exitCode: number

beforeAll(async () => {
  const outdir = mkdtempSync(join(tmpdir(), 'tangerine-dry-run-'))
  const run = await promisify(execFile)(
    process.execPath,
    [main, '--dry-run', '--json', '--no-web-build', '--outdir', outdir],
    { maxBuffer: 16 * 1024 * 1024 },
  ).then(
    (r) => ({ ...r, code: 0 }),
    (err: { stdout: string; stderr: string; code: number }) => err,
  )
  exitCode = run.code
  result = JSON.parse(run.stdout) as DryRunResult
  if (exitCode !== 0) console.error(run.stderr)
})

describe('npm run deploy -- --dry-run', () => {
  it('builds every Worker within its budget, with no problem in the configs', () => {
    expect(result.problems).toEqual([])
    expect(exitCode).toBe(0)
    const budgets = readBudgets()
    expect(Object.keys(result.figures)).toHaveLength(workerDirs.length)
    for (const [name, figures] of Object.entries(result.figures)) {
      expect(figures.gzipKiB, name).toBeLessThanOrEqual(budgets[name]!.gzipKiB)
      expect(figures.startupMs, name).toBeLessThanOrEqual(budgets[name]!.startupMs)
    }
  })

  it('ships no local URL and no example secret in any Worker, and production endpoints as vars', () => {
    for (const [name, path] of Object.entries(result.uploads))
      expect(productionLeaks(readFileSync(path, 'utf8')), name).toEqual([])
    const vars = (name: string) => {
      const metadata = uploadParts(readFileSync(result.uploads[name]!, 'utf8')).find((p) => p.name === 'metadata')!
      const { bindings } = JSON.parse(metadata.body) as { bindings: { name: string; text?: string }[] }
      return Object.fromEntries(bindings.map((b) => [b.name, b.text]))
    }
    expect(vars('tangerine-media')).toMatchObject({
      CALLS_API_URL: 'https://rtc.live.cloudflare.com/v1',
      CLOUDFLARE_API_URL: 'https://api.cloudflare.com/client/v4',
      TANGERINE_ENV: '',
    })
    expect(vars('tangerine-ai')).toMatchObject({ OPENAI_MODEL_ENDPOINT: 'https://api.openai.com/v1/realtime/calls' })
  })
})
