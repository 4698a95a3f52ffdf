// `npm test`: every test of every package (Worker tests inside workerd), then the end-to-end
// tests in headless Chromium against the whole system, then one closing line of counts.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { join, relative } from 'node:path'
import { ensureSystemPackages } from './lib/system-deps.mjs'
import { root } from './lib/stack.mjs'

ensureSystemPackages(['chromium', 'coturn', 'gcc', 'libc6-dev'])

const env = { ...process.env, WRANGLER_SEND_METRICS: 'false', TURBO_TELEMETRY_DISABLED: '1' }
const workspaces = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).workspaces
const packageDirs = spawnSync('bash', ['-c', `ls -d ${workspaces.join(' ')}`], { cwd: root, encoding: 'utf8' })
  .stdout.split('\n')
  .filter(Boolean)
const resultFiles = packageDirs.flatMap((dir) =>
  ['test-results.json', 'e2e-results.json'].map((f) => join(root, dir, f)),
)
for (const file of resultFiles) rmSync(file, { force: true })

function step(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env })
  return result.status ?? 1
}

const turbo = (...tasks) =>
  step('npx', ['turbo', 'run', ...tasks, '--concurrency=2', '--output-logs=new-only', '--log-order=grouped'])

const steps = [
  ['generated types up to date', () => step('npm', ['run', 'types:check'])],
  ['typecheck and lint', () => turbo('typecheck', 'lint')],
  ['formatting (prettier --check)', () => step('npm', ['run', 'format:check'])],
  ['package tests', () => turbo('test', '--continue')],
  ['end-to-end tests', () => turbo('test:e2e')],
]
let failedStep
for (const [name, run] of steps) {
  if (run() !== 0) {
    failedStep = name
    break
  }
}

// vitest's own summaries are per package: add them up into the one line CI reads.
let passed = 0
let failed = 0
let skipped = 0
// CI shows only the end of the log, so the failures are repeated here, where it will be read.
const failures = []
for (const file of resultFiles.filter(existsSync)) {
  const report = JSON.parse(readFileSync(file, 'utf8'))
  passed += report.numPassedTests
  failed += report.numFailedTests
  skipped += report.numPendingTests + report.numTodoTests
  for (const suite of report.testResults ?? []) {
    for (const test of suite.assertionResults ?? []) {
      if (test.status !== 'failed') continue
      const message = (test.failureMessages ?? []).join('\n').split('\n').slice(0, 8).join('\n    ')
      failures.push(`${relative(root, suite.name)} › ${test.fullName}\n    ${message}`)
    }
    if (suite.status === 'failed' && !(suite.assertionResults ?? []).some((t) => t.status === 'failed')) {
      failures.push(
        `${relative(root, suite.name)}: ${String(suite.message ?? 'failed')
          .split('\n')
          .slice(0, 8)
          .join('\n    ')}`,
      )
    }
  }
}
if (failures.length > 0) console.error(`\nFailed tests:\n${failures.map((f) => `  ${f}`).join('\n')}`)
if (failedStep) console.error(`\nFailed: ${failedStep}`)
console.log(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped`)
process.exit(!failedStep && failed === 0 && passed > 0 ? 0 : 1)
