// The parts of undici this program uses, loaded from their own files. undici's index loads
// every part it has (fetch, WebSocket, EventSource, caches, mocks, interceptors): 140 ms of
// every run that pushes, measured here, against about 60 ms for these (docs/decisions/start-up.md).
// A run without a proxy needs the Agent and the request API only; the proxy agent (and the
// CONNECT API its tunnels use, put on Dispatcher.prototype as undici's index does) is loaded
// when the environment names a proxy. These files are undici's internal layout, which a later
// version may change: then the index is loaded instead, and `viaIndex` says so (a test checks
// that the locked version takes the fast path).
//
// Loaded on the first request, not when this module is: nothing here runs at start-up, and no
// top-level await keeps the package's CommonJS build (dist/main.cjs, scripts/bundle.js) from being one.

import type { Agent as AgentType, Dispatcher, EnvHttpProxyAgent as EnvHttpProxyAgentType } from 'undici';

type RequestOptions = Omit<Dispatcher.RequestOptions, 'origin' | 'path' | 'method'> & { method: Dispatcher.HttpMethod };

export interface UndiciParts {
  Agent: typeof AgentType;
  request(dispatcher: Dispatcher, url: URL, opts: RequestOptions): Promise<Dispatcher.ResponseData>;
  viaIndex: boolean;
}

export interface UndiciProxyParts {
  EnvHttpProxyAgent: typeof EnvHttpProxyAgentType;
}

let parts: Promise<UndiciParts> | undefined;
let proxyParts: Promise<UndiciProxyParts> | undefined;
/** Node's WebAssembly global, the one constructor used here (the TypeScript libs this project uses do not declare it). */
declare const WebAssembly: { Module: new (bytes: Uint8Array) => object };
/** The HTTP parser compiled ahead (warmHttpParser): held so that V8 keeps its code for undici. */
let warmParser: Promise<object | undefined> | undefined;

/**
 * Compiles undici's HTTP parser (llhttp, WebAssembly) now, while the input is still coming; undici
 * itself compiles it at its first connection, after the input has ended (client-h1.js, lazyllhttp).
 * V8 keeps one compiled module per wire bytes while a module made from them is alive
 * (NativeModuleCache, https://chromium.googlesource.com/v8/v8/+/refs/heads/main/src/wasm/wasm-engine.h),
 * so undici's compile of the same bytes gets this code back: measured here, 0.1 ms instead of 5-21 ms
 * (and 14-64 ms to load the file that holds the bytes), load 16 on 2 cores. The same file undici
 * picks (the SIMD build, unless UNDICI_NO_WASM_SIMD=1 or on ppc64, where undici may not use it);
 * nothing happens otherwise, or when undici moved the file: undici then compiles it as before.
 */
export function warmHttpParser(): Promise<void> {
  if (process.env.UNDICI_NO_WASM_SIMD === '1' || process.arch === 'ppc64') return Promise.resolve();
  warmParser ??= Promise.resolve()
    .then(() => new WebAssembly.Module(parserBytes()))
    .catch(() => undefined);
  return warmParser.then(() => undefined);
}

/**
 * The parser's bytes (a Buffer, the file's module.exports), by require(): an import() of it would
 * be wrapped as an ES module in dist/main.cjs and the bundle, each of its 55,000 bytes copied as a
 * property (esbuild's __toESM), which took over 100 ms. dist/main.cjs and the bundles have a
 * require (esbuild keeps or inlines this call); the ES modules of dist/lib make one.
 */
function parserBytes(): Uint8Array {
  const file = 'undici/lib/llhttp/llhttp_simd-wasm.js';
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- see above: a require() on purpose
  if (typeof require === 'function') return require('undici/lib/llhttp/llhttp_simd-wasm.js') as Uint8Array;
  return process.getBuiltinModule('node:module').createRequire(import.meta.url)(file) as Uint8Array;
}

/** The Agent and the request API; loaded once. */
export function loadUndici(): Promise<UndiciParts> {
  return (parts ??= loadParts());
}

/** The proxy agent, for a run whose environment names a proxy; loaded once. */
export function loadUndiciProxy(): Promise<UndiciProxyParts> {
  return (proxyParts ??= loadProxyParts());
}

async function loadParts(): Promise<UndiciParts> {
  try {
    const [agent, api] = await Promise.all([
      import('undici/lib/dispatcher/agent.js'),
      import('undici/lib/api/api-request.js'),
    ]);
    const apiRequest = api.default;
    if (typeof agent.default !== 'function' || typeof apiRequest !== 'function')
      throw new Error('unexpected undici layout');
    return {
      Agent: agent.default,
      // What undici's top-level request() does with a URL and a dispatcher.
      request: (d, url, opts) =>
        apiRequest.call(d, { ...opts, origin: url.origin, path: `${url.pathname}${url.search}` }),
      viaIndex: false,
    };
  } catch {
    const undici = await import('undici');
    return {
      Agent: undici.Agent,
      request: (dispatcher, url, opts) => undici.request(url, { ...opts, dispatcher }),
      viaIndex: true,
    };
  }
}

async function loadProxyParts(): Promise<UndiciProxyParts> {
  const { viaIndex } = await loadUndici();
  if (!viaIndex) {
    try {
      const [envAgent, dispatcher, api] = await Promise.all([
        import('undici/lib/dispatcher/env-http-proxy-agent.js'),
        import('undici/lib/dispatcher/dispatcher.js'),
        import('undici/lib/api/index.js'),
      ]);
      const apiFunctions = api.default;
      if (typeof envAgent.default !== 'function' || typeof apiFunctions.connect !== 'function')
        throw new Error('unexpected undici layout');
      // ProxyAgent opens its CONNECT tunnels with `client.connect()`, which undici's index adds.
      Object.assign(dispatcher.default.prototype, apiFunctions);
      return { EnvHttpProxyAgent: envAgent.default };
    } catch {
      // the index below
    }
  }
  const undici = await import('undici');
  return { EnvHttpProxyAgent: undici.EnvHttpProxyAgent };
}
