/**
 * Workers' `simple` rate limits (and Miniflare's, which the tests run) count in windows aligned
 * to the wall clock, so a burst that straddles a boundary starts counting afresh halfway through
 * and a test that counts one would fail by the clock. Such a test starts its burst here: at once
 * when `burstMs` still fits in the current window, else as the next window opens.
 */
export async function inOneWindow(periodSeconds = 60, burstMs = 20_000): Promise<void> {
  const period = periodSeconds * 1000
  const left = period - (Date.now() % period)
  if (left < burstMs) await new Promise((resolve) => setTimeout(resolve, left + 100))
}
