export * from './errors.ts'
export * from './health.ts'
export * from './rooms/room.ts'
export * from './rooms/messages.ts'
