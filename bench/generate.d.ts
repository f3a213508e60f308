// Types for bench/generate.js, so TypeScript tests (test/e2e/memory.test.ts) can use the generator.
import type { Readable } from 'node:stream';

export const DEFAULT_SEED: number;
export const GENERATOR_VERSION: number;
export const METRIC_SHARE: number;

export interface GeneratorStats {
  lines: number;
  metricLines: number;
}
export interface GenerateOptions {
  seed?: number;
  chunkBytes?: number;
  stats?: GeneratorStats;
}
export interface GeneratedInput extends GeneratorStats {
  path: string;
  bytes: number;
  seed: number;
}

export function generateChunks(totalBytes: number, opts?: GenerateOptions): Generator<Buffer, void, undefined>;
export function generatedStream(totalBytes: number, opts?: GenerateOptions): Readable;
export function parseSize(text: string): number;
export function benchDir(): string;
export function ensureInput(totalBytes: number, opts?: { seed?: number; file?: string }): Promise<GeneratedInput>;
