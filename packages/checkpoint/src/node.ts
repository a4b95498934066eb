/**
 * `@rpn/checkpoint/node`: the Node-only part of the package. Importing it registers node:fs as the
 * file system of local paths and `file://` URLs (`saveModel(model, 'runs/a')`, `.pt` and
 * safetensors files); the main entry stays free of `node:*` so it bundles for browsers.
 */
import { setFileSystem } from './file-system.js';
import { nodeFileSystem } from './node/file-system.js';

export { nodeFileSystem } from './node/file-system.js';

setFileSystem(nodeFileSystem());
