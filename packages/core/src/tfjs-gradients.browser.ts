// tfjs-core's own gradient registrations, for bundlers (Vite, esbuild, webpack) and browsers: they
// resolve tfjs-core's extension-less ESM files, so the gradients land in the app's one copy of
// tfjs-core. Loaded by registerGradients through the `#tfjs-gradients` import map of package.json
// (condition `default`); Node gets dist/tfjs-gradients.node.js instead (condition `node`, built by
// scripts/build-gradients.mjs). See packages/core/README.md, "Gradients".
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
