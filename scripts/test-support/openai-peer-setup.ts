import type { TestProject } from 'vitest/node'
import { startOpenAiRealtimePeer } from './openai-realtime-peer.ts'

/**
 * vitest globalSetup: the fake OpenAI Realtime peer on an ephemeral port, standing in for
 * OpenAI at the network boundary (see openai-realtime-peer.ts).
 */
export default async function setup(project: TestProject) {
  const peer = await startOpenAiRealtimePeer({ token: 'test-openai-token' })
  project.provide('openaiPeer', { url: peer.url, token: peer.token })
  return () => peer.close()
}
