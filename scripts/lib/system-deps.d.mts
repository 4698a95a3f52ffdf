export declare const systemPackages: Record<'chromium' | 'coturn', string>
export declare function ensureSystemPackages(names: Array<'chromium' | 'coturn'>): void
