/**
 * Polls `condition` until it holds; fails with `what` after `timeoutMs`. No blind sleeps.
 * The bound is generous because the 2-core machine is often shared with browser tests.
 * The deadline is on the monotonic clock, so it holds while a test has frozen `Date`.
 */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  what: string | (() => string),
  timeoutMs = 20_000,
) {
  const deadline = performance.now() + timeoutMs
  for (;;) {
    if (await condition()) return
    if (performance.now() > deadline) {
      // After a stall the deadline can pass before the sockets are read (timers run first): one
      // more turn of the event loop, then the last word.
      await new Promise((resolve) => setImmediate(resolve))
      if (await condition()) return
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${typeof what === 'function' ? what() : what}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/**
 * Asserts that a stream stopped reaching a puller: what was already in flight when it was closed
 * may still land (more of it on a loaded machine), but once the publisher has sent another 20
 * packets, and again after 20 more, nothing new arrives, and fewer than 20 arrived in all.
 */
export async function expectStopped(received: () => number, sent: () => number, what: string) {
  const atClose = received()
  const window = async (label: string) => {
    const from = sent()
    await waitFor(() => sent() >= from + 20, `${what}: the publisher sending 20 more packets (${label})`)
  }
  await window('in flight')
  const settled = received()
  await window('after')
  if (received() !== settled || settled - atClose >= 20) {
    throw new Error(
      `${what}: ${received() - atClose} packets arrived after the close, ${received() - settled} of them after the in-flight window`,
    )
  }
}
