// GET/PATCH/PUT /configs and POST /restart. PATCH takes mihomo's partial
// object (unknown keys are ignored, like mihomo; known keys are type-checked)
// plus switchyard's own `capture` toggles. PUT reloads; a bad config leaves
// the running one untouched and answers 400 with the reason.
import type { RoutePlugin } from '../http/types.js';
import { SyError, isSyError } from '../../core/errors.js';
import type { ApiMode } from '../api-types.js';
import type { ConfigPatch, ControllerDeps, ReloadRequest } from '../deps.js';
import { badRequest } from '../http-errors.js';
import { bodyObject, optBool, optEnum, optString, optStringList, queryString, type JsonObject } from '../validate.js';

const MODES: readonly ApiMode[] = ['rule', 'global', 'direct'];
const LEVELS = ['debug', 'info', 'warning', 'error', 'silent'] as const;

/** Validates a PATCH /configs body into a ConfigPatch. */
export function parseConfigPatch(body: unknown): ConfigPatch {
  const o = bodyObject(body, 'PATCH /configs');
  const w = 'PATCH /configs';
  const patch: ConfigPatch = {};
  const mode = optEnum(o, 'mode', w, MODES);
  if (mode) patch.mode = mode;
  const level = optEnum(o, 'log-level', w, LEVELS);
  if (level) patch.logLevel = level;
  const allowLan = optBool(o, 'allow-lan', w);
  if (allowLan !== undefined) patch.allowLan = allowLan;
  const ipv6 = optBool(o, 'ipv6', w);
  if (ipv6 !== undefined) patch.ipv6 = ipv6;
  const sniffing = optBool(o, 'sniffing', w);
  if (sniffing !== undefined) patch.sniffing = sniffing;
  if (o.capture !== undefined) patch.capture = parseCapturePatch(bodyObject(o.capture, `${w}.capture`));
  return patch;
}

function parseCapturePatch(c: JsonObject): NonNullable<ConfigPatch['capture']> {
  const w = 'PATCH /configs.capture';
  const out: NonNullable<ConfigPatch['capture']> = {};
  for (const k of ['enable', 'local', 'lan', 'ipv6'] as const) {
    const v = optBool(c, k, w);
    if (v !== undefined) out[k] = v;
  }
  const interfaces = optStringList(c, 'interfaces', w);
  if (interfaces) out.interfaces = interfaces;
  const bypass = optStringList(c, 'bypass', w, 4096);
  if (bypass) out.bypass = bypass;
  const onFailure = optEnum(c, 'on-failure', w, ['open', 'closed'] as const);
  if (onFailure) out['on-failure'] = onFailure;
  return out;
}

/** Validates a PUT /configs body (`{"path","payload"}`, both optional). */
export function parseReload(body: unknown, force: boolean): ReloadRequest {
  const o = body === undefined || body === null ? {} : bodyObject(body, 'PUT /configs');
  const req: ReloadRequest = { force };
  const path = optString(o, 'path', 'PUT /configs', 4096);
  if (path) req.path = path;
  const payload = optString(o, 'payload', 'PUT /configs', 16 << 20);
  if (payload) req.payload = payload;
  return req;
}

async function reload(deps: ControllerDeps, req: ReloadRequest): Promise<void> {
  try {
    await deps.reload(req);
  } catch (err) {
    // Keep the engine's own code (config errors name file:line:col); wrap the rest.
    if (isSyError(err)) throw err;
    throw new SyError('SY_ERR_API_RELOAD_FAILED', { cause: err });
  }
}

export function configsRoutes(deps: ControllerDeps): RoutePlugin {
  return (app, _opts, done) => {
    app.get('/configs', async () => deps.configs());
    app.patch('/configs', async (req, reply) => {
      await deps.patchConfigs(parseConfigPatch(req.body));
      return reply.code(204).send();
    });
    app.put('/configs', async (req, reply) => {
      const force = queryString(req.query, 'force');
      if (force !== undefined && !['true', 'false', ''].includes(force)) throw badRequest('query force', force, 'true or false');
      await reload(deps, parseReload(req.body, force === 'true'));
      return reply.code(204).send();
    });
    // mihomo restarts its process; switchyard reloads the current config in place.
    app.post('/restart', async (_req, reply) => {
      await reload(deps, {});
      return reply.code(204).send();
    });
    // mihomo's "update geo databases": the GeoSite / ASN data the config uses, now
    // (the same download, validation and atomic swap as the background updates).
    for (const url of ['/configs/geo', '/upgrade/geo']) {
      app.post(url, async (_req, reply) => {
        if (!deps.updateGeoData) throw new SyError('SY_ERR_API_UNAVAILABLE', { where: `POST ${url}`, detail: 'no geodata updater in this core' });
        await deps.updateGeoData();
        return reply.code(204).send();
      });
    }
    // mihomo's self-upgrade endpoints: switchyard updates through its package, not in place.
    for (const url of ['/upgrade', '/upgrade/ui']) {
      app.post(url, async () => {
        throw new SyError('SY_ERR_API_UNAVAILABLE', { where: `POST ${url}`, detail: 'switchyard is upgraded through its package manager' });
      });
    }
    done();
  };
}
