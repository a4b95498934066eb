import { defineConfig } from 'vitest/config';

// `pnpm --filter web timing`: forward/step timings of mnist_dual_lphm in Node and in Chromium (with and without COOP/COEP). Not part of `pnpm test`.
export default defineConfig({ test: { include: ['e2e/timing.run.ts'], testTimeout: 600_000, hookTimeout: 600_000 } });
