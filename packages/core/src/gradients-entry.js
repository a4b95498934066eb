// Bundled at build time (esbuild) into dist/tfjs-gradients.js: tfjs-core's own gradient
// registrations, which its Node entry does not load and which Node cannot import directly
// (extension-less ESM specifiers). See packages/core/README.md, "Gradients".
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
