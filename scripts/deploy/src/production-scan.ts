import { EXAMPLE_SECRETS } from '@tangerine/contracts/secrets'
import { uploadParts } from './bundles.ts'

/*
 * What must never ship: a URL of this machine (the local SFU, the fake OpenAI peer) as a var or
 * in code, or a committed example secret as a value. The one place example secrets may appear is
 * the list that refuses them (packages/contracts/src/secrets.ts), which is taken out first.
 */

/**
 * A loopback address, or localhost with a port: hono builds requests on a bare `http://localhost`
 * as a placeholder base (app.request, path decoding), which never leaves the isolate.
 */
const LOCAL_URL = /\b(?:https?|wss?):\/\/(?:127\.\d+\.\d+\.\d+|\[::1\]|0\.0\.0\.0|localhost:\d+)[^\s"'`]*/g

/** `upload`: what `wrangler deploy --outfile` writes (bundles.ts); its source maps are not scanned. */
export function productionLeaks(upload: string): string[] {
  const refusalList = JSON.stringify(EXAMPLE_SECRETS)
  const text = uploadParts(upload)
    .map((p) => p.body)
    .join('\n')
    .replaceAll(refusalList, '[]')
  const leaks = [...text.matchAll(LOCAL_URL)].map((m) => `local URL ${m[0]}`)
  for (const secret of EXAMPLE_SECRETS) {
    for (const quote of ['"', "'", '`'])
      if (text.includes(`${quote}${secret}${quote}`)) leaks.push(`example secret ${secret}`)
  }
  return [...new Set(leaks)]
}
