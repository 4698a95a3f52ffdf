export type AppEnv = { Bindings: FeedbackEnv }
