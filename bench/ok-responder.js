// A receiver stand-in on 127.0.0.1 for the push benchmarks: every request is read to its end
// and answered at once (204 for remote write, 200 with an empty body otherwise), so what a
// benchmark measures is the client: start-up, encoding, compression, one round trip.
//
//   node bench/ok-responder.js      prints `listening <port>` once ready; stop it by PID

import { createServer } from 'node:http';

const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead((req.url ?? '').endsWith('/api/v1/write') ? 204 : 200, { 'content-type': 'application/x-protobuf' });
    res.end();
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`listening ${server.address().port}\n`));
// Keep-alive sockets would hold close() open: end them too.
for (const sig of ['SIGTERM', 'SIGINT'])
  process.on(sig, () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  });
