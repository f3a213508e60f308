// Types for the undici files that lib/sinks/http/undici.ts loads one by one (the package's own
// types describe only its index). Each is a CommonJS module: its exports are the default.

declare module 'undici/lib/dispatcher/agent.js' {
  const Agent: typeof import('undici').Agent;
  export default Agent;
}

declare module 'undici/lib/dispatcher/env-http-proxy-agent.js' {
  const EnvHttpProxyAgent: typeof import('undici').EnvHttpProxyAgent;
  export default EnvHttpProxyAgent;
}

declare module 'undici/lib/dispatcher/dispatcher.js' {
  const Dispatcher: typeof import('undici').Dispatcher;
  export default Dispatcher;
}

declare module 'undici/lib/api/api-request.js' {
  type RequestFn = (
    this: import('undici').Dispatcher,
    opts: import('undici').Dispatcher.RequestOptions,
  ) => Promise<import('undici').Dispatcher.ResponseData>;
  const request: RequestFn;
  export default request;
}

declare module 'undici/lib/api/index.js' {
  type RequestFn = (
    this: import('undici').Dispatcher,
    opts: import('undici').Dispatcher.RequestOptions,
  ) => Promise<import('undici').Dispatcher.ResponseData>;
  const api: { request: RequestFn; connect: (...args: unknown[]) => unknown; [name: string]: unknown };
  export default api;
}
