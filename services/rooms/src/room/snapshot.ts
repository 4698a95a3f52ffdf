/**
 * The shape of the RoomState a snapshot holds. Bumped with every change to that shape (2: the AI's
 * status union): loading passes over snapshots of any other version and folds the log instead.
 */
export const SNAPSHOT_VERSION = 2

/** A snapshot every this many events bounds a cold load to one snapshot plus at most this many events. */
export const SNAPSHOT_EVERY = 200

export function shouldSnapshot(previousSeq: number, seq: number): boolean {
  return Math.floor(seq / SNAPSHOT_EVERY) > Math.floor(previousSeq / SNAPSHOT_EVERY)
}
