// What a push pays for its payload, in a fresh process: loading the serializer's modules and
// encoding 12 series, for the Pushgateway (prom-client's text), OTLP (protobufjs + gzip) and
// remote write (protobufjs + snappyjs). The rest of a run (startup, input, HTTP) is the same
// for all three, so this difference is what an OTLP push costs over a Pushgateway push.
//
//   npm run build && node bench/encoder-cost.js [RUNS]     prints median and min ms for each

import { execFileSync } from 'node:child_process';

const runs = Number(process.argv[2] ?? 21);
const series = Array.from({ length: 12 }, (_, i) => ({
  name: `keptn_b_metric_${i}`,
  labels: { ci_platform: 'keptn' },
  value: i,
  type: i % 3 ? 'gauge' : 'counter',
}));
const root = new URL('../dist/lib/', import.meta.url).href;
const cases = {
  pushgateway: `const { renderExposition } = await import('${root}sinks/pushgateway/serialize.js'); await renderExposition(S);`,
  otlp: `const { encodeOtlpRequest } = await import('${root}sinks/otlp/serialize.js'); const b = await encodeOtlpRequest(S, { resource: [['service.name', 'x']], scope: { name: 'x', version: '1' }, temporality: 'cumulative', timeMs: Date.now(), startMs: 0 }); process.getBuiltinModule('node:zlib').gzipSync(b);`,
  'remote-write': `const { encodeWriteRequest, remoteWriteContent } = await import('${root}sinks/remote-write/serialize.js'); const b = await encodeWriteRequest(remoteWriteContent(S), Date.now()); (await import('snappyjs')).compress(b);`,
};
const results = {};
for (let r = 0; r < runs; r++) {
  // Interleaved, so a busy minute on the machine hits every case alike.
  for (const [name, code] of Object.entries(cases)) {
    const script = `const S = ${JSON.stringify(series)}; const t = performance.now(); ${code} process.stdout.write(String(performance.now() - t));`;
    const ms = Number(
      execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: new URL('..', import.meta.url) }),
    );
    (results[name] ??= []).push(ms);
  }
}
for (const [name, list] of Object.entries(results)) {
  list.sort((a, b) => a - b);
  console.log(
    `${name.padEnd(13)} median ${list[Math.floor(list.length / 2)].toFixed(1)} ms  min ${list[0].toFixed(1)} ms  (${runs} runs)`,
  );
}
