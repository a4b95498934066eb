import { setupBackend } from '@rpn/core';
import './node.js'; // node:fs for local paths, as an app in Node imports '@rpn/checkpoint/node'
await setupBackend();
