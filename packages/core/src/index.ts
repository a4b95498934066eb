export * from './errors.js';
export * from './shapes.js';
export * from './contracts.js';
export * from './config.js';
export * from './registry.js';
export * from './processing.js';
export * from './transformation.js';
export * from './backend.js';
