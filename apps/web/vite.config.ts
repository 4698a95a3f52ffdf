import { sveltekit } from '@sveltejs/kit/vite'
import { defineConfig } from 'vitest/config'

/**
 * The schemas the meeting and start pages parse with, and zod, in one chunk. Left to automatic
 * splitting, the /ops views (which import some of them) cut that chunk in five by who imports
 * what, and the meeting page paid ~1.3 KiB gzipped for the extra files; /ops loads the one chunk.
 */
const meetingSchemas =
  /packages[\\/]contracts[\\/]src[\\/](rooms[\\/]|errors|health|feedback|identity|public-api|ai[\\/]api)|node_modules[\\/]zod[\\/]/

export default defineConfig({
  plugins: [sveltekit()],
  build: { rolldownOptions: { output: { codeSplitting: { groups: [{ name: 'schemas', test: meetingSchemas }] } } } },
  test: { include: ['src/**/*.test.ts'] },
})
