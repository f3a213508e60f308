// The files the run writes: one rule, lib/files.ts's outputFileProblem, and one way to write
// them, writeBoundedText; here where the configuration checks them.
export { outputFileProblem, type OutputFs } from '../files.js';
