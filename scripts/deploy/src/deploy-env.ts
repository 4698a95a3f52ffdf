import { randomBytes } from 'node:crypto'
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import { createInterface } from 'node:readline/promises'

/*
 * `.deploy.env` (repository root, git-ignored): the deployment's settings and the Workers'
 * secrets by name, one NAME=value a line. Whatever `npm run deploy` asks for or generates is
 * written here, so the next run asks nothing and the operator finds ADMIN_TOKEN.
 */

export const DEPLOY_ENV_FILE = '.deploy.env'

/**
 * Secrets only Tangerine reads, so the script makes them: 32 random bytes, as strong as
 * packages/contracts/src/secrets.ts demands. Any other required secret belongs to someone else
 * (Calls, OpenAI, a webhook) and is asked for.
 */
export const OWNED_SECRETS = ['SESSION_SECRET', 'TURN_KEY_ENCRYPTION_KEY', 'ADMIN_TOKEN'] as const

/** Settings that are not secrets but differ per deployment, with what to ask. */
export const SETTINGS: Record<string, { question: string; optional?: boolean }> = {
  CALLS_APP_ID: { question: 'Cloudflare Calls app id (dash.cloudflare.com → Calls → your app)' },
  TANGERINE_DOMAIN: {
    question: 'Custom domain for Tangerine, e.g. meet.example.com (empty: https://tangerine-gateway.<you>.workers.dev)',
    optional: true,
  },
}

/** What each asked-for secret is, so the question says where to find it. */
export const SECRET_QUESTIONS: Record<string, string> = {
  CALLS_APP_SECRET: 'Cloudflare Calls app secret (the app token shown beside its id)',
  CLOUDFLARE_API_TOKEN: 'API token for the media Worker to manage TURN keys (a token with Calls: Edit)',
  OPENAI_API_TOKEN: 'OpenAI API key for the AI participant',
  FEEDBACK_URL: 'Google Chat webhook URL for feedback reports (empty: reports are only logged)',
  USER_DIRECTORY_TOKEN: 'Bearer token for USER_DIRECTORY_URL (empty if none)',
}

export const generateSecret = () => randomBytes(32).toString('base64url')

export function readDeployEnv(path: string): Map<string, string> {
  const values = new Map<string, string>()
  if (!existsSync(path)) return values
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const match = /^\s*([A-Za-z_]\w*)\s*=(.*)$/.exec(line)
    if (!match) continue
    const raw = match[2]!.trim()
    values.set(match[1]!, raw.startsWith('"') ? (JSON.parse(raw) as string) : raw)
  }
  return values
}

/** Appends new names (the file's comments and order stay); owner-only, as it holds secrets. */
export function appendDeployEnv(path: string, added: Map<string, string>) {
  if (added.size === 0) return
  const current = existsSync(path)
    ? readFileSync(path, 'utf8')
    : '# npm run deploy: settings and secrets (never commit)\n'
  const lines = [...added].map(([k, v]) => `${k}=${/^[\w./:@+-]*$/.test(v) ? v : JSON.stringify(v)}`)
  writeFileSync(path, `${current}${current.endsWith('\n') ? '' : '\n'}${lines.join('\n')}\n`, { mode: 0o600 })
  chmodSync(path, 0o600)
}

export type Ask = (name: string, question: string) => Promise<string>

/** Asks on the terminal; without one there is nobody to ask, so the missing names are an error. */
export function terminalAsk(): Ask {
  return async (name, question) => {
    if (!process.stdin.isTTY) throw new Error(`${name} is not in ${DEPLOY_ENV_FILE} and there is no terminal to ask`)
    const rl = createInterface({ input: process.stdin, output: process.stdout })
    try {
      return (await rl.question(`${name} — ${question}: `)).trim()
    } finally {
      rl.close()
    }
  }
}
