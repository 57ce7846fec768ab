import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join, resolve } from 'node:path';

/**
 * PGlite lives inside one process, so a second process must not open the same data
 * directory. The process that owns it serves it on a loopback port and records that port
 * beside the data directory; command-line tools find the file and connect with plain `pg`.
 */
export interface EmbeddedEndpoint {
  host: string;
  port: number;
  pid: number;
}

export interface EmbeddedServer {
  url: string;
  stop(): Promise<void>;
}

export function endpointFile(dataDir: string): string {
  return join(dirname(resolve(dataDir)), `${basename(dataDir)}.server.json`);
}

function basename(path: string): string {
  return resolve(path).split(/[\\/]/).pop() ?? 'pglite';
}

/**
 * The endpoint of a live server that owns `dataDir`, if there is one. A file left behind by a
 * killed process is recognised by its dead pid or a refused connection.
 */
export async function findRunningEmbeddedServer(dataDir: string): Promise<EmbeddedEndpoint | null> {
  const file = endpointFile(dataDir);
  if (!existsSync(file)) return null;
  let endpoint: EmbeddedEndpoint;
  try {
    endpoint = JSON.parse(readFileSync(file, 'utf8')) as EmbeddedEndpoint;
    process.kill(endpoint.pid, 0); // throws when the process is gone
  } catch {
    return null;
  }
  return (await accepts(endpoint)) ? endpoint : null;
}

function accepts(endpoint: EmbeddedEndpoint): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: endpoint.host, port: endpoint.port });
    socket.setTimeout(1000);
    const finish = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => finish(true));
    socket.once('timeout', () => finish(false));
    socket.once('error', () => finish(false));
  });
}

export function embeddedUrl(endpoint: { host: string; port: number }): string {
  return `postgres://postgres:postgres@${endpoint.host}:${endpoint.port}/postgres`;
}

/**
 * Starts PGlite (in memory when `dataDir` is null) behind a socket server on 127.0.0.1.
 * `maxConnections` must cover the pool: with fewer, queries are lost on connect.
 */
export async function startEmbeddedServer(
  dataDir: string | null,
  maxConnections: number,
): Promise<EmbeddedServer> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir ? resolve(dataDir) : undefined);
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections });
  await server.start();
  const [host, port] = server.getServerConn().split(':');
  const endpoint: EmbeddedEndpoint = { host, port: Number(port), pid: process.pid };
  if (dataDir) writeFileSync(endpointFile(dataDir), JSON.stringify(endpoint));
  return {
    url: embeddedUrl(endpoint),
    async stop() {
      if (dataDir) rmSync(endpointFile(dataDir), { force: true });
      await server.stop();
      await db.close();
    },
  };
}
