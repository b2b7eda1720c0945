// Shared set-up for controller tests: a controller over the fake deps, and an
// inject() wrapper that sends the right Host and Bearer headers by default.
import { NULL_LOGGER } from '../../../main/core/logger.js';
import { createController, type Controller, type ControllerOptions } from '../../../main/controller/server.js';
import { createFakeDeps, type FakeDeps } from './fake-deps.js';

export const SECRET = 'test-secret-7';

export interface Harness {
  c: Controller;
  deps: FakeDeps;
  req(method: string, url: string, opts?: { body?: unknown; raw?: string; headers?: Record<string, string> }): Promise<{ status: number; json: any; body: string; headers: Record<string, unknown> }>;
}

export function harness(over: Partial<ControllerOptions> = {}, depOpts: { samplerIntervalMs?: number } = {}): Harness {
  const deps = createFakeDeps(depOpts);
  const c = createController(deps, {
    listen: '127.0.0.1:19090',
    secret: SECRET,
    cors: { allowOrigins: ['*'], allowPrivateNetwork: true },
    uiDir: null,
    logger: NULL_LOGGER,
    ...over,
  });
  const req: Harness['req'] = async (method, url, o = {}) => {
    const headers: Record<string, string> = { host: `127.0.0.1:${c.address().port}`, authorization: `Bearer ${SECRET}`, ...o.headers };
    let payload: string | undefined;
    if (o.raw !== undefined) payload = o.raw;
    else if (o.body !== undefined) payload = JSON.stringify(o.body);
    if (payload !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
    const r = await c.app.inject({ method: method as 'GET', url, headers, payload });
    let json: any;
    try {
      json = r.body ? JSON.parse(r.body) : undefined;
    } catch {
      json = undefined;
    }
    return { status: r.statusCode, json, body: r.body, headers: r.headers };
  };
  return { c, deps, req };
}
