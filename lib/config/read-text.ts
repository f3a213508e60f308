// The bounded file reading of lib/files.ts, where the configuration reads it from.
export * from '../files.js';
