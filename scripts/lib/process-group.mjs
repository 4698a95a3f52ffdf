// Children of the local stack, each the leader of its own process group: stopping one takes
// whatever it started (the SFU's coturn, wrangler's workerd) with it, however the leader died.
import { spawn } from 'node:child_process'

/**
 * Whether a child has exited. A child killed by a signal has `exitCode === null` and
 * `signalCode` set: checking `exitCode` alone waits forever for an `exit` already past.
 */
export const hasExited = (child) => child.exitCode !== null || child.signalCode !== null

/** How a child ended, for a log line: `exit code 1` or `signal SIGKILL`. */
export const howExited = (child) =>
  child.signalCode !== null ? `signal ${child.signalCode}` : `exit code ${child.exitCode}`

/** Every group we started and have not stopped: killed on our own way out, whatever it is. */
const groups = new Set()
process.once('exit', () => {
  for (const pid of groups) signalGroup(pid, 'SIGKILL')
})

/** Signals a whole process group; false when none of it is left. */
export function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal)
    return true
  } catch {
    return false
  }
}

/** `spawn` with the child as leader of a new process group, which `stopGroup` ends as a whole. */
export function spawnGroup(command, args, options) {
  const child = spawn(command, args, { ...options, detached: true })
  if (child.pid !== undefined) {
    groups.add(child.pid)
    // A leader that has gone may leave its children (coturn) behind in the group: they go too.
    child.once('exit', () => {
      signalGroup(child.pid, 'SIGKILL')
      groups.delete(child.pid)
    })
  }
  return child
}

/**
 * Stops a group started by `spawnGroup`: SIGTERM to all of it, SIGKILL after `graceMs`. Resolves
 * once the leader has exited (at once if it already had) and the group has been killed.
 */
export async function stopGroup(child, graceMs = 3000) {
  if (child.pid === undefined) return
  if (!hasExited(child)) {
    const exited = new Promise((resolve) => child.once('exit', resolve))
    signalGroup(child.pid, 'SIGTERM')
    const timer = setTimeout(() => signalGroup(child.pid, 'SIGKILL'), graceMs)
    await exited
    clearTimeout(timer)
  }
  signalGroup(child.pid, 'SIGKILL')
  groups.delete(child.pid)
}

/**
 * Keeps the last of a piped child's output in `output` (chunks, a few hundred at most), to show
 * with an error when the child fails to start.
 */
export function keepTail(child, output) {
  const keep = (d) => {
    output.push(String(d))
    if (output.length > 500) output.splice(0, 250)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
}
