export * from './experiment-model.js';
export * from './run-experiment.js';
