/** A snapshot every this many events bounds a cold load to one snapshot plus at most this many events. */
export const SNAPSHOT_EVERY = 200

export function shouldSnapshot(previousSeq: number, seq: number): boolean {
  return Math.floor(seq / SNAPSHOT_EVERY) > Math.floor(previousSeq / SNAPSHOT_EVERY)
}
