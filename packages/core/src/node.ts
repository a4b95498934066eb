/**
 * `@rpn/core/node`: Node-only set-up. The main entry (`@rpn/core`) imports nothing from `node:*`,
 * so it bundles for the browser; this subpath adds what only Node can do.
 */
export { setupNodeBackend, resolveThreads, type NodeBackendOptions } from './node/threads.js';
export { heapKernelHelperJobs, nodeHeapKernelHelper } from './node/kernel-helper.js';
