export type AppEnv = { Bindings: RoomsEnv }
