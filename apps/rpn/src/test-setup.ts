import { setupBackend } from '@rpn/core';
import '@rpn/checkpoint/node'; // node:fs for checkpoint paths, as cli.ts
import '@rpn/learn/node'; // node:fs for dataset files, as cli.ts
await setupBackend();
