// The parts of undici this program uses, loaded from their own files. undici's index loads
// every part it has (fetch, WebSocket, EventSource, caches, mocks, interceptors): 140 ms of
// every run that pushes, measured here, against about 60 ms for these (bench/RESULTS.md).
// The index also adds the request API to Dispatcher.prototype, which ProxyAgent needs for its
// CONNECT tunnels (`client.connect()`): done here the same way. These files are undici's
// internal layout, which a later version may change: then the index is loaded instead, and
// `viaIndex` says so (a test checks that the locked version takes the fast path).

import type { Agent as AgentType, Dispatcher, EnvHttpProxyAgent as EnvHttpProxyAgentType } from 'undici';

type RequestOptions = Omit<Dispatcher.RequestOptions, 'origin' | 'path' | 'method'> & { method: Dispatcher.HttpMethod };

export interface UndiciParts {
  Agent: typeof AgentType;
  EnvHttpProxyAgent: typeof EnvHttpProxyAgentType;
  request(dispatcher: Dispatcher, url: URL, opts: RequestOptions): Promise<Dispatcher.ResponseData>;
  viaIndex: boolean;
}

async function loadParts(): Promise<UndiciParts> {
  try {
    const [agent, envAgent, dispatcher, api] = await Promise.all([
      import('undici/lib/dispatcher/agent.js'),
      import('undici/lib/dispatcher/env-http-proxy-agent.js'),
      import('undici/lib/dispatcher/dispatcher.js'),
      import('undici/lib/api/index.js'),
    ]);
    const apiFunctions = api.default;
    if (typeof apiFunctions.request !== 'function' || typeof apiFunctions.connect !== 'function') throw new Error('unexpected undici layout');
    Object.assign(dispatcher.default.prototype, apiFunctions);
    return {
      Agent: agent.default,
      EnvHttpProxyAgent: envAgent.default,
      // What undici's top-level request() does with a URL and a dispatcher.
      request: (d, url, opts) => apiFunctions.request.call(d, { ...opts, origin: url.origin, path: `${url.pathname}${url.search}` }),
      viaIndex: false,
    };
  } catch {
    const undici = await import('undici');
    return {
      Agent: undici.Agent,
      EnvHttpProxyAgent: undici.EnvHttpProxyAgent,
      request: (dispatcher, url, opts) => undici.request(url, { ...opts, dispatcher }),
      viaIndex: true,
    };
  }
}

export const undici: UndiciParts = await loadParts();
