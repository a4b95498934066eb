import { defineConfig } from 'vitest/config';

// Only the end-to-end test (it builds the app itself); the app's own modules are covered through it.
export default defineConfig({ test: { include: ['e2e/**/*.test.ts', 'src/**/*.test.ts'], testTimeout: 180_000, hookTimeout: 240_000, fileParallelism: false } });
