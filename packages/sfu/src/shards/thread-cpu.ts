import { readFileSync } from 'node:fs'

/** Linux's clock tick for /proc times (USER_HZ, 100 on every mainstream kernel). */
const TICK_MS = 10

/**
 * CPU time (user + system, ms) of the calling thread, or null off Linux. Node 22 has no
 * `process.threadCpuUsage` (23.9+), and `process.cpuUsage()` in a worker is the whole process's;
 * /proc/thread-self is the calling thread's own task, and a sync read runs on that thread.
 */
export function threadCpuMs(): number | null {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'latin1')
    // Fields after the command name (which may hold spaces) start at its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the name.
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS
  } catch {
    return null
  }
}
