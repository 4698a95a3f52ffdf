export type AppEnv = { Bindings: AiEnv }
