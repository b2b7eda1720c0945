// GET/PUT/DELETE /storage/:key: small JSON values dashboards persist
// (zashboard syncs `/storage/zashboard`). GET of an unknown key is `null`.
import type { RoutePlugin } from '../http/types.js';
import { SyError } from '../../core/errors.js';
import type { ControllerDeps } from '../deps.js';
import { badRequest } from '../http-errors.js';

/** Values are limited to 1 MB of JSON text. */
export const STORAGE_MAX_BYTES = 1 << 20;
const KEY = /^[A-Za-z0-9._-]{1,64}$/;

export function checkStorageKey(key: string): string {
  if (!KEY.test(key) || key === '.' || key === '..') throw badRequest('storage key', key, '1-64 characters of A-Z a-z 0-9 . _ -');
  return key;
}

export function storageRoutes(deps: Pick<ControllerDeps, 'storage'>): RoutePlugin {
  return (app, _opts, done) => {
    const key = (p: unknown) => checkStorageKey((p as { key: string }).key);
    app.get('/storage/:key', async (req, reply) => {
      const v = await deps.storage.get(key(req.params));
      return reply.type('application/json').send(JSON.stringify(v === undefined ? null : v));
    });
    app.put('/storage/:key', { bodyLimit: STORAGE_MAX_BYTES + 1024 }, async (req, reply) => {
      const k = key(req.params);
      if (req.body === undefined) throw badRequest(`PUT /storage/${k}`, undefined, 'a JSON value');
      const size = Buffer.byteLength(JSON.stringify(req.body));
      if (size > STORAGE_MAX_BYTES) throw new SyError('SY_ERR_API_TOO_LARGE', { where: `storage ${k}`, value: size, expected: `at most ${STORAGE_MAX_BYTES} bytes` });
      await deps.storage.put(k, req.body);
      return reply.code(204).send();
    });
    app.delete('/storage/:key', async (req, reply) => {
      await deps.storage.delete(key(req.params));
      return reply.code(204).send();
    });
    done();
  };
}
