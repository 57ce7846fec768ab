import type { Response } from 'express';
import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import type { RapportRequest } from '../auth/request-context';
import { createLogger } from './app-logger';
import { requestLogging } from './request-logging.middleware';

/** A request whose every property read is recorded, and a response that can finish. */
function exchange(statusCode: number) {
  const read = new Set<string>();
  const target = {
    method: 'POST',
    url: '/graphql',
    originalUrl: '/graphql?x=1',
    headers: { 'x-request-id': 'req-1' },
    actor: { tenantId: '00000000-0000-4000-8000-000000000001', role: 'admin', subject: 's' },
    operationName: 'MyCohorts',
  };
  const req = new Proxy(target, {
    get(t, key, receiver) {
      if (typeof key === 'string') read.add(key);
      return Reflect.get(t, key, receiver);
    },
  }) as unknown as RapportRequest;
  const headers: Record<string, string> = {};
  const res = Object.assign(new EventEmitter(), {
    statusCode,
    writableEnded: true,
    headers,
    setHeader(name: string, value: string) {
      headers[name.toLowerCase()] = value;
    },
  });
  return { req, res, read };
}

function run(level: string, statusCode: number) {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const logger = createLogger({ level, destination });
  const { req, res, read } = exchange(statusCode);
  let nexted = false;
  requestLogging(logger)(req, res as unknown as Response, () => (nexted = true));
  res.emit('finish');
  return { lines, read, res, req, nexted };
}

describe('request logging', () => {
  it('at a level that writes no request line, builds none: nothing of the request is read', () => {
    const { lines, read, res, req, nexted } = run('warn', 200);
    expect(nexted).toBe(true);
    // The request id is still given and recorded: it is the events' correlation id.
    expect(res.headers['x-request-id']).toBe('req-1');
    expect(req.correlationId).toBe('req-1');
    expect(lines).toEqual([]);
    for (const key of ['method', 'url', 'originalUrl', 'actor', 'operationName'])
      expect(read).not.toContain(key);
  });

  it('writes a failed request at warn, and a completed one at info, with the same fields', async () => {
    const warned = run('warn', 404);
    await new Promise(setImmediate);
    expect(warned.lines).toEqual([
      expect.objectContaining({
        level: 40,
        reqId: 'req-1',
        req: { method: 'POST', path: '/graphql' },
        res: { statusCode: 404 },
        tenantId: '00000000-0000-4000-8000-000000000001',
        role: 'admin',
        operationName: 'MyCohorts',
        msg: 'request completed',
      }),
    ]);
    const completed = run('info', 200);
    await new Promise(setImmediate);
    expect(completed.lines).toEqual([
      expect.objectContaining({ level: 30, reqId: 'req-1', res: { statusCode: 200 } }),
    ]);
    expect(typeof completed.lines[0].responseTime).toBe('number');
  });

  it('writes nothing at all when silent, and does not wait for the response', () => {
    const { lines, res } = run('silent', 500);
    expect(lines).toEqual([]);
    expect(res.listenerCount('finish')).toBe(0);
  });
});
