export type AppEnv = { Bindings: MediaEnv }
