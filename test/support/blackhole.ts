// Addresses that never answer, on loopback: a port whose accept queue is full (the kernel then
// drops new SYNs, so a connect hangs as it does towards a firewalled host), and a port that
// accepts and stays silent (a TLS handshake that never completes). Both stop with stop().

import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { existsSync } from 'node:fs';

export interface Blackhole {
  port: number;
  stop(): Promise<void>;
}

export const PYTHON = '/usr/bin/python3';

/**
 * A listener with a backlog of 0 that never accepts (python3: Node accepts every connection),
 * its queue filled by one connection of ours: later SYNs are dropped (tcp(7), tcp_abort_on_overflow 0).
 */
export async function synDroppingPort(): Promise<Blackhole> {
  if (!existsSync(PYTHON)) throw new Error(`${PYTHON} is needed for a SYN-dropping port (Debian package python3)`);
  const script =
    "import socket,sys,time\ns=socket.socket();s.bind(('127.0.0.1',0));s.listen(0)\nprint(s.getsockname()[1],flush=True)\ntime.sleep(120)\n";
  const child: ChildProcess = spawn(PYTHON, ['-c', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.once('data', (b: Buffer) => resolve(Number(b.toString().trim())));
    child.once('error', reject);
  });
  const filler = await new Promise<net.Socket>((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
  return {
    port,
    stop: async () => {
      filler.destroy();
      if (child.exitCode === null) {
        const gone = new Promise((r) => child.once('exit', r));
        child.kill('SIGKILL');
        await gone;
      }
    },
  };
}

/** Accepts every connection and never writes a byte. */
export async function silentPort(): Promise<Blackhole> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port));
  });
  return {
    port,
    stop: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
