import type { Page } from 'playwright-core'
import { expect } from 'vitest'

/** The local SFU the stack runs, with its development app (see packages/sfu). */
const sfuApi = 'http://127.0.0.1:7880/v1'

/** This page's Calls session id, as its debug panel (Ctrl+Shift+D) shows it in the API history. */
export async function sessionOf(page: Page) {
  const panel = page.getByTestId('debug-panel')
  if ((await panel.count()) === 0) await page.keyboard.press('Control+Shift+D')
  const history = (await panel.textContent()) ?? ''
  const session = /sessions\/([0-9a-f]{32})\//.exec(history)?.[1]
  expect(session).toBeDefined()
  return session!
}

/** A session's tracks as the SFU has them (none for a session it no longer has). */
export async function tracksAtSfu(session: string) {
  const res = await fetch(`${sfuApi}/apps/tangerine-dev/sessions/${session}`, {
    headers: { authorization: 'Bearer dev-secret' },
  })
  return (
    (
      (await res.json()) as {
        tracks?: Array<{ location: string; status: string; mid?: string; trackName?: string; sessionId?: string }>
      }
    ).tracks ?? []
  )
}
