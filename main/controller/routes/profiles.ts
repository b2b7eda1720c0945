// /profiles: switchyard's own resource for whole-config profiles (Clash
// Verge's "profiles"), documented in docs/profiles.md.
//   GET    /profiles                  -> ApiProfiles
//   POST   /profiles                  {url, name?, interval?} | {name?, payload} -> 201 ApiProfile
//   PUT    /profiles/:id              update now -> ApiProfile (a failure keeps the working profile)
//   PATCH  /profiles/:id              {name?, interval?} -> ApiProfile
//   POST   /profiles/:id/activate     -> ApiProfile (the engine reloads it)
//   DELETE /profiles/:id              -> 204 (not the active one)
//   GET    /profiles/:id/override     -> ApiProfileOverride
//   PUT    /profiles/:id/override     {payload} -> ApiProfile (validated before saving)
import type { RoutePlugin } from '../http/types.js';
import { SyError } from '../../core/errors.js';
import type { ControllerDeps, ProfileAddRequest, ProfilesView } from '../deps.js';
import { badRequest } from '../http-errors.js';
import { bodyObject, optString, type JsonObject } from '../validate.js';

/** Profile payloads and overrides: at most 16 MB of YAML (the controller's body limit). */
const MAX_PAYLOAD = 16 << 20;
const MAX_INTERVAL = 365 * 86_400;

function optInterval(o: JsonObject, where: string): number | undefined {
  const v = o.interval;
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > MAX_INTERVAL) throw badRequest(`${where}.interval`, v, `whole seconds in 0..${MAX_INTERVAL} (0 = manual)`);
  return v;
}

export function parseProfileAdd(body: unknown): ProfileAddRequest {
  const w = 'POST /profiles';
  const o = bodyObject(body, w);
  const url = optString(o, 'url', w, 8192);
  const payload = optString(o, 'payload', w, MAX_PAYLOAD);
  if ((url === undefined) === (payload === undefined)) throw badRequest(w, Object.keys(o), 'exactly one of url or payload');
  const name = optString(o, 'name', w, 64);
  const interval = optInterval(o, w);
  return { ...(url !== undefined ? { url } : {}), ...(payload !== undefined ? { payload } : {}), ...(name !== undefined ? { name } : {}), ...(interval !== undefined ? { interval } : {}) };
}

export function parseProfilePatch(body: unknown): { name?: string; interval?: number } {
  const w = 'PATCH /profiles';
  const o = bodyObject(body, w);
  const name = optString(o, 'name', w, 64);
  const interval = optInterval(o, w);
  if (name === undefined && interval === undefined) throw badRequest(w, o, 'name and/or interval');
  return { ...(name !== undefined ? { name } : {}), ...(interval !== undefined ? { interval } : {}) };
}

export function profilesRoutes(deps: Pick<ControllerDeps, 'profiles'>): RoutePlugin {
  return (app, _opts, done) => {
    const view = (): ProfilesView => {
      if (!deps.profiles) throw new SyError('SY_ERR_API_UNAVAILABLE', { where: '/profiles', detail: 'profiles are not available in this core' });
      return deps.profiles;
    };
    const id = (p: unknown) => {
      const s = (p as { id: string }).id;
      if (!s || s.length > 128) throw badRequest('profile id', s, 'an id or name');
      return s;
    };
    app.get('/profiles', async () => view().list());
    app.post('/profiles', async (req, reply) => reply.code(201).send(await view().add(parseProfileAdd(req.body))));
    app.put('/profiles/:id', async (req) => view().update(id(req.params)));
    app.patch('/profiles/:id', async (req) => view().patch(id(req.params), parseProfilePatch(req.body)));
    app.post('/profiles/:id/activate', async (req) => view().activate(id(req.params)));
    app.delete('/profiles/:id', async (req, reply) => {
      await view().remove(id(req.params));
      return reply.code(204).send();
    });
    app.get('/profiles/:id/override', async (req) => ({ payload: await view().getOverride(id(req.params)) }));
    app.put('/profiles/:id/override', async (req) => {
      const o = bodyObject(req.body, 'PUT /profiles/:id/override');
      const payload = optString(o, 'payload', 'PUT /profiles/:id/override', MAX_PAYLOAD);
      if (payload === undefined) throw badRequest('PUT /profiles/:id/override', o, '{"payload": "<override YAML>"}');
      return view().putOverride(id(req.params), payload);
    });
    done();
  };
}
