import { defineConfig } from 'vitest/config';
import { mnistNative } from '../../scripts/vitest-mnist-native.mjs';

export default defineConfig({ plugins: [mnistNative(import.meta.dirname)], test: { include: ['src/**/*.test.ts'], setupFiles: ['./src/test-setup.ts'], testTimeout: 120_000, hookTimeout: 120_000 } });
