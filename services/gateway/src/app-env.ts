export type AppEnv = { Bindings: GatewayEnv }
