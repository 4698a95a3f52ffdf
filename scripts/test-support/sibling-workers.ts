import { existsSync, readdirSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { unstable_getMiniflareWorkerOptions, unstable_readConfig } from 'wrangler'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')

/** The entry first, then the modules wrangler wrote beside it (text rules such as `.sql`). */
function bundleModules(dist: string, entry: string) {
  const extra = readdirSync(dist)
    .map((file) => join(dist, file))
    .filter((path) => path !== entry && !path.endsWith('.map') && !path.endsWith('README.md'))
    .map((path) => ({
      type: path.endsWith('.js') || path.endsWith('.mjs') ? ('ESModule' as const) : ('Text' as const),
      path,
    }))
  return [{ type: 'ESModule' as const, path: entry }, ...extra]
}

/**
 * Miniflare options for Workers that a test's main Worker binds to: each one's own wrangler
 * config (bindings, Durable Objects, assets) with the bundle its `build` script wrote to `dist/`.
 * Throws with the fix when a bundle is missing, rather than letting a binding fail obscurely.
 *
 * The Worker under test runs renamed as vitest's runner (`vitest-plugin-runner-<project>`), so
 * siblings' bindings back to it (the web app's GATEWAY) are pointed at the runner.
 * `bindings` overrides vars per folder, e.g. where a sibling finds the local SFU.
 */
export function siblingWorkers(
  folders: string[],
  underTest?: { name: string; project: string },
  bindings: Record<string, Record<string, string>> = {},
) {
  return folders.map((folder) => {
    const dir = join(root, folder)
    const configPath = join(dir, 'wrangler.jsonc')
    const { workerOptions, main } = unstable_getMiniflareWorkerOptions(configPath)
    const bundle = join(dir, 'dist', main?.endsWith('_worker.js') ? '_worker.js' : 'index.js')
    if (!existsSync(bundle)) {
      throw new Error(`${folder} is not built: run \`npm run build -w ${folder}\` (turbo does it before tests)`)
    }
    const serviceBindings = Object.fromEntries(
      Object.entries(workerOptions.serviceBindings ?? {}).map(([binding, target]) => {
        const targetName = typeof target === 'string' ? target : (target as { name?: unknown }).name
        if (!underTest || targetName !== underTest.name) return [binding, target]
        const runner = `vitest-plugin-runner-${underTest.project}`
        return [binding, typeof target === 'string' ? runner : { ...target, name: runner }]
      }),
    )
    return {
      ...workerOptions,
      // Tests are local development: the example and test secrets are accepted (packages/contracts/src/secrets.ts).
      bindings: { ...workerOptions.bindings, TANGERINE_ENV: 'development', ...bindings[folder] },
      serviceBindings,
      name: unstable_readConfig({ config: configPath }).name,
      modules: bundleModules(join(dir, 'dist'), bundle),
      modulesRoot: join(dir, 'dist'),
    }
  })
}
