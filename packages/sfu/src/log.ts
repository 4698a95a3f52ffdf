import type { LogLevel } from './config.ts'

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 }

export type Fields = Record<string, unknown>

/** One JSON object per line on stdout, so the dev runner and log shippers can parse it. */
export interface Logger {
  debug(msg: string, fields?: Fields): void
  info(msg: string, fields?: Fields): void
  warn(msg: string, fields?: Fields): void
  error(msg: string, fields?: Fields): void
  child(fields: Fields): Logger
  /** Whether `debug` writes anything: debug-only bookkeeping is skipped otherwise. */
  readonly debugging: boolean
}

export function createLogger(level: LogLevel, base: Fields = { service: 'sfu' }): Logger {
  const emit = (lvl: LogLevel, msg: string, fields?: Fields) => {
    if (rank[lvl] < rank[level]) return
    const line = { time: new Date().toISOString(), level: lvl, msg, ...base, ...fields }
    process.stdout.write(`${JSON.stringify(line, errorReplacer)}\n`)
  }
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (fields) => createLogger(level, { ...base, ...fields }),
    debugging: rank.debug >= rank[level],
  }
}

function errorReplacer(_key: string, value: unknown): unknown {
  return value instanceof Error ? { name: value.name, message: value.message } : value
}
