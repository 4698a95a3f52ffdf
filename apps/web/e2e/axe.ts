import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { Page } from 'playwright-core'
import type AxeCore from 'axe-core'

/**
 * axe-core's accessibility rules, run in the page as it is now. Evaluated through the DevTools
 * protocol, which the page's CSP does not govern: no script tag is added to the page.
 */
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

export interface Violation {
  id: string
  impact: string
  help: string
  /** CSS selectors of the offending elements. */
  targets: string[]
}

/** The serious and critical violations on `page` (WCAG 2.x A and AA, and axe's best practices). */
export async function seriousViolations(page: Page): Promise<Violation[]> {
  await page.evaluate(axeSource)
  return page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: typeof AxeCore }).axe
    const results = await axe.run(document, { resultTypes: ['violations'] })
    return results.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({
        id: v.id,
        impact: v.impact ?? '',
        help: v.help,
        targets: v.nodes.map((n) => n.target.join(' ')),
      }))
  })
}
