export { startSfu, type RunningSfu } from './server.ts'
export { configFromEnv, DEFAULT_PORT, DEV_APP_ID, DEV_APP_SECRET, type SfuConfig } from './config.ts'
export { createLogger, type Logger } from './log.ts'
