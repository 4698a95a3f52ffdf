import { EXAMPLE_SECRETS } from '@tangerine/contracts/secrets'
import { describe, expect, it } from 'vitest'
import { productionLeaks } from '../src/production-scan.ts'

/** An upload as `wrangler deploy --outfile` writes it: metadata, the module, its source map. */
function upload(vars: Record<string, string>, code: string, map = '') {
  const b = '------formdata-undici-0123'
  const part = (name: string, body: string) =>
    `${b}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${body}\r\n`
  const metadata = JSON.stringify({
    main_module: 'index.js',
    bindings: Object.entries(vars).map(([name, text]) => ({ name, type: 'plain_text', text })),
  })
  return `${part('metadata', metadata)}${part('index.js', code)}${part('index.js.map', map)}${b}--`
}

describe('what a production upload must not carry', () => {
  it('finds a var pointing at this machine', () => {
    expect(productionLeaks(upload({ CALLS_API_URL: 'http://127.0.0.1:7880/v1' }, 'export default {}'))).toEqual([
      'local URL http://127.0.0.1:7880/v1',
    ])
  })

  it('finds a local default in code and an example secret used as a value', () => {
    const code = 'const e=env.OPENAI_MODEL_ENDPOINT??"http://localhost:7890/v1";const s=env.S??"dev-secret";'
    expect(productionLeaks(upload({}, code))).toEqual([
      'local URL http://localhost:7890/v1',
      'example secret dev-secret',
    ])
  })

  it("passes the list that refuses example secrets, hono's placeholder base and source maps", () => {
    const code = `var X=${JSON.stringify(EXAMPLE_SECRETS)};new URL("http://localhost");\`http://localhost\${p}\``
    const map = '{"sourcesContent":["const u = \'http://127.0.0.1:7880/v1\'"]}'
    expect(productionLeaks(upload({ CALLS_API_URL: 'https://rtc.live.cloudflare.com/v1' }, code, map))).toEqual([])
  })
})
