/**
 * @module
 * The one logger: one JSON line per entry, `{level, msg, ...fields}`, the shape Workers Logs
 * indexes. Each level goes to its own console method, so the runtime's level and the line's agree
 * (and tests can listen to one of them). Callers pass only what is safe to keep: never a secret,
 * token, credential, SDP or URL with a key in it — nothing here can tell them apart from data.
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error'

export function log(level: LogLevel, msg: string, fields: Record<string, unknown> = {}): void {
  const line = JSON.stringify({ level, msg, ...fields })
  if (level === 'error') console.error(line)
  else if (level === 'warn') console.warn(line)
  else console.log(line)
}
