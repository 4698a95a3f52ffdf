import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { root } from '../../lib/stack.mjs'

/*
 * A Worker as Cloudflare receives it: `wrangler deploy --dry-run --minify --outfile` writes the
 * upload itself (metadata with the bindings and vars, then the modules), which is what the size
 * and startup budgets, the production scan and the deploy fingerprint all look at.
 */

export const wranglerEnv = {
  ...process.env,
  WRANGLER_SEND_METRICS: 'false',
  // No fetch of the `cf` sample from workers.cloudflare.com when miniflare starts (check startup).
  CLOUDFLARE_CF_FETCH_ENABLED: 'false',
}

export function wrangler(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; quiet?: boolean } = {}) {
  return new Promise<string>((resolve, reject) => {
    const child = spawn('npx', ['wrangler', ...args], {
      cwd: options.cwd ?? root,
      env: options.env ?? wranglerEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (d) => {
      output += String(d)
      if (!options.quiet) process.stdout.write(d)
    })
    child.stderr.on('data', (d) => {
      output += String(d)
      if (!options.quiet) process.stderr.write(d)
    })
    child.on('exit', (code) =>
      code === 0
        ? resolve(output)
        : reject(new Error(`wrangler ${args.join(' ')} exited ${code}\n${output.slice(-3000)}`)),
    )
  })
}

/** Builds the upload of the Worker configured at `configPath` into `outfile`. */
export async function buildUpload(configPath: string, outfile: string) {
  await wrangler(['deploy', '--dry-run', '--minify', '--config', configPath, '--outfile', outfile], { quiet: true })
}

export interface Figures {
  gzipKiB: number
  kiB: number
  startupMs: number
}

/**
 * Gzipped size and local startup time: wrangler check startup's CPU time ("Active", garbage
 * collection included), the least of `runs`, as a loaded machine only ever adds to it.
 */
export async function measure(upload: string, runs = 3): Promise<Figures> {
  let best: Figures | undefined
  for (let i = 0; i < runs; i++) {
    const out = await wrangler(['check', 'startup', '--worker', upload, '--outfile', `${upload}.cpuprofile`], {
      quiet: true,
    })
    const size = /Bundle: ([\d.]+) KiB \/ gzip: ([\d.]+) KiB/.exec(out)
    const active = /Active: ([\d.]+) ms/.exec(out)
    if (!size || !active) throw new Error(`wrangler check startup said something unexpected:\n${out}`)
    const figures = { kiB: Number(size[1]), gzipKiB: Number(size[2]), startupMs: Number(active[1]) }
    if (!best || figures.startupMs < best.startupMs) best = figures
  }
  return best!
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name)
      return statSync(path).isDirectory() ? filesUnder(path) : [path]
    })
}

/**
 * What a deployment of this upload would put live: the upload without its random multipart
 * boundary, and the static assets. Equal fingerprints, nothing to deploy.
 */
export function fingerprint(upload: string, assetsDir?: string): string {
  const text = readFileSync(upload, 'latin1')
  const boundary = text.slice(0, text.indexOf('\r\n'))
  const hash = createHash('sha256').update(text.replaceAll(boundary, ''))
  if (assetsDir) for (const file of filesUnder(assetsDir)) hash.update(file).update(readFileSync(file))
  return hash.digest('hex').slice(0, 16)
}

/** The upload's parts by name (metadata, modules), without source maps: Cloudflare runs none of them. */
export function uploadParts(text: string): { name: string; body: string }[] {
  const boundary = text.slice(0, text.indexOf('\r\n'))
  return text
    .split(boundary)
    .map((part) => {
      const name = /name="([^"]*)"/.exec(part)?.[1] ?? ''
      return { name, body: part.slice(part.indexOf('\r\n\r\n') + 4) }
    })
    .filter((p) => p.name && !p.name.endsWith('.map'))
}
