/** The media section of `sdp` whose `a=mid` is `mid` (empty when there is none). */
export const section = (sdp: string, mid: string) =>
  sdp.split(/(?=^m=)/m).find((s) => new RegExp(`^a=mid:${mid}\\r?$`, 'm').test(s)) ?? ''
