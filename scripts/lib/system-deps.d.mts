export declare const systemPackages: Record<'chromium' | 'coturn' | 'gcc' | 'libc6-dev', string>
export declare function ensureSystemPackages(names: Array<'chromium' | 'coturn' | 'gcc' | 'libc6-dev'>): void
