// The gradient bundle exists only in dist/ (built by esbuild), so tests set up the backend
// from the built package; every other import in core's tests uses src/.
const { setupBackend } = (await import('../dist/index.js' as string)) as typeof import('./backend.js');
await setupBackend();
