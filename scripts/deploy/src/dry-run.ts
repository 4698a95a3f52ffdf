import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import * as z from 'zod'
import { type Figures, buildUpload, measure } from './bundles.ts'
import { productionLeaks } from './production-scan.ts'
import { type Worker, deployOrder, resourcesOf } from './workers.ts'
import { root } from '../../lib/stack.mjs'

/*
 * `npm run deploy -- --dry-run` (a step of `npm test`): every Worker built as it would be
 * uploaded from its committed config, the configs' bindings checked against each other, and each
 * upload held to its budget (scripts/deploy/budgets.json) and scanned for local defaults.
 */

export const BUDGETS_FILE = join(root, 'scripts/deploy/budgets.json')
const Budgets = z.record(z.string(), z.object({ gzipKiB: z.number().positive(), startupMs: z.number().positive() }))
export type Budgets = z.infer<typeof Budgets>

export const readBudgets = (path = BUDGETS_FILE) => Budgets.parse(JSON.parse(readFileSync(path, 'utf8')))

/** What is wrong between the configs: a binding to no Worker, a queue nobody consumes, a Worker without a budget. */
export function configProblems(workers: readonly Worker[], budgets: Budgets): string[] {
  const problems: string[] = []
  try {
    deployOrder(workers)
  } catch (err) {
    problems.push((err as Error).message)
  }
  const consumed = new Set(workers.flatMap((w) => (w.config.queues?.consumers ?? []).map((c) => c.queue)))
  for (const w of workers)
    for (const p of w.config.queues?.producers ?? [])
      if (!consumed.has(p.queue)) problems.push(`${w.name} sends to queue ${p.queue}, which no Worker consumes`)
  for (const q of resourcesOf(workers).queues) if (!consumed.has(q)) problems.push(`queue ${q} has no consumer`)
  for (const w of workers) if (!budgets[w.name]) problems.push(`${w.name} has no budget in budgets.json`)
  return [...new Set(problems)]
}

export function overBudget(name: string, figures: Figures, budgets: Budgets): string[] {
  const budget = budgets[name]
  if (!budget) return [`${name} has no budget`]
  const over: string[] = []
  if (figures.gzipKiB > budget.gzipKiB) over.push(`${name}: ${figures.gzipKiB} KiB gzipped, budget ${budget.gzipKiB}`)
  if (figures.startupMs > budget.startupMs)
    over.push(`${name}: starts in ${figures.startupMs} ms, budget ${budget.startupMs}`)
  return over
}

export interface DryRunResult {
  figures: Record<string, Figures>
  problems: string[]
  uploads: Record<string, string>
}

export async function dryRun(
  workers: readonly Worker[],
  outdir: string,
  budgets = readBudgets(),
): Promise<DryRunResult> {
  mkdirSync(outdir, { recursive: true })
  const problems = configProblems(workers, budgets)
  const figures: DryRunResult['figures'] = {}
  const uploads: DryRunResult['uploads'] = {}
  for (const worker of workers) {
    const upload = join(outdir, `${worker.name}.upload`)
    await buildUpload(join(root, worker.dir, 'wrangler.jsonc'), upload)
    uploads[worker.name] = upload
    figures[worker.name] = await measure(upload)
    problems.push(...overBudget(worker.name, figures[worker.name]!, budgets))
    problems.push(...productionLeaks(readFileSync(upload, 'utf8')).map((leak) => `${worker.name}: ${leak}`))
  }
  return { figures, problems, uploads }
}

export function figuresTable(figures: Record<string, Figures>, budgets: Budgets): string {
  const rows = Object.entries(figures).map(([name, f]) => {
    const b = budgets[name]
    return `${name.padEnd(20)} ${f.kiB.toFixed(1).padStart(8)} KiB ${f.gzipKiB.toFixed(1).padStart(7)} KiB gz (budget ${b?.gzipKiB ?? '-'}) ${f.startupMs.toFixed(1).padStart(7)} ms startup (budget ${b?.startupMs ?? '-'})`
  })
  return ['Worker                   minified    gzipped               startup', ...rows].join('\n')
}
