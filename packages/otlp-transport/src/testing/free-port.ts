import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

// Ports are picked below the kernel's ephemeral range on purpose. `listen(0)` hands out a port from that
// range, and between the check and the real process binding it, any outgoing connection on the machine
// (tests open thousands) may take it as its local port: a clean-clone CI run failed with EADDRINUSE that
// way. Below the range only another listener can collide, and picks are random across ~12,000 ports.
const LOWEST = 20_000;
const handedOut = new Set<number>();

function ephemeralRangeStart(): number {
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/);
    const start = Number(low);
    return Number.isInteger(start) && start > LOWEST + 1000 ? start : 32_768;
  } catch {
    return 32_768; // Linux's default; other systems differ, and the bind check below still holds.
  }
}

function canListen(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => {
      resolve(false);
    });
    server.listen(port, '127.0.0.1', () => {
      server.close(() => {
        resolve(true);
      });
    });
  });
}

/** A port that is free right now, outside the ephemeral range, never handed out twice by this process. */
export async function freePort(): Promise<number> {
  const end = ephemeralRangeStart();
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = LOWEST + Math.floor(Math.random() * (end - LOWEST));
    if (handedOut.has(port)) continue;
    if (await canListen(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`no free port found between ${LOWEST} and ${end}`);
}
