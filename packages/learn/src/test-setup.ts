import { setupBackend } from '@rpn/core';
import './node.js'; // the file system as data source, as an app in Node imports '@rpn/learn/node'
await setupBackend();
