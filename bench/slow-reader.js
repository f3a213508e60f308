// A deliberately slow reader downstream: reads stdin at about RATE MB/s (default 40) and
// throws it away, so the process upstream feels backpressure as it would with a slow log
// collector or a `| tee` to a slow disk.
//
//   producer | node bench/slow-reader.js [RATE_MB_PER_S]

const rate = Number(process.argv[2] ?? 40) * 1024 * 1024;
const started = process.hrtime.bigint();
let bytes = 0;
process.stdin.on('data', (chunk) => {
  bytes += chunk.length;
  const due = Number(process.hrtime.bigint() - started) / 1e9;
  const ahead = bytes / rate - due;
  if (ahead > 0.001) {
    process.stdin.pause();
    setTimeout(() => process.stdin.resume(), Math.ceil(ahead * 1000));
  }
});
