// The default parsers (`--parsers kv,json,prom`): each declared once in its own file, with the
// byte gate that decides which lines it may take.

import { kvParser } from './kv.js';
import { jsonParser } from './json.js';
import { promParser } from './prom.js';
import type { DefaultParser } from './sample.js';

export type ParserName = 'kv' | 'json' | 'prom';
export const PARSER_NAMES: readonly ParserName[] = ['kv', 'json', 'prom'];

export const DEFAULT_PARSERS: Readonly<Record<ParserName, DefaultParser>> = {
  kv: kvParser,
  json: jsonParser,
  prom: promParser,
};
