import { setupBackend } from '@rpn/core';
await setupBackend();
