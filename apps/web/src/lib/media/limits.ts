import { cameraLayers } from './layers.ts'

/** What a camera sends at most (Orange Meets' MAX_WEBCAM_* settings): enough for a grid tile. */
export const MAX_WEBCAM_BITRATE = 1_200_000
export const MAX_WEBCAM_FRAMERATE = 24
export const MAX_WEBCAM_WIDTH = 1280
export const MAX_WEBCAM_HEIGHT = 720
/** Screens are mostly text: full resolution, few frames. */
export const MAX_SCREENSHARE_BITRATE = 2_500_000
export const MAX_SCREENSHARE_FRAMERATE = 15

export const cameraConstraints: MediaTrackConstraints = {
  width: { ideal: MAX_WEBCAM_WIDTH },
  height: { ideal: MAX_WEBCAM_HEIGHT },
  frameRate: { max: MAX_WEBCAM_FRAMERATE },
}

/**
 * Three simulcast layers (720p, 360p, 180p), so each viewer gets the one its tile needs from the
 * SFU instead of everyone getting the largest. Chromium sends all three from a 720p camera.
 */
export const cameraEncodings: RTCRtpEncodingParameters[] = cameraLayers.map(({ rid, width, maxBitrate }) => ({
  rid,
  scaleResolutionDownBy: MAX_WEBCAM_WIDTH / width,
  maxBitrate: Math.min(maxBitrate, MAX_WEBCAM_BITRATE),
  maxFramerate: MAX_WEBCAM_FRAMERATE,
}))
export const screenEncodings: RTCRtpEncodingParameters[] = [
  { maxBitrate: MAX_SCREENSHARE_BITRATE, maxFramerate: MAX_SCREENSHARE_FRAMERATE },
]
