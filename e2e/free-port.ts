// Linted in typescript-eslint's default project (e2e/*.ts), which under TypeScript 6 loads no @types
import { createServer, type AddressInfo, type Server } from 'node:net';

/**
 * Asks the OS for `count` distinct ports that are free right now: all are held open together so the OS
 * cannot hand out one twice. (A small race remains between closing and the real process binding.)
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', resolve);
      });
    }
    return servers.map((server) => (server.address() as AddressInfo).port);
  } finally {
    await Promise.all(
      servers.map(
        (server) =>
          new Promise<void>((resolve) =>
            server.close(() => {
              resolve();
            }),
          ),
      ),
    );
  }
}
