// Editing the running config from the dashboard (switchyard's own):
//   GET  /configs/raw   -> ApiConfigRaw {path, payload, profile}
//   POST /configs/edit  {ops: ApiConfigEditOp[]} -> ApiConfigRaw after the edit
// A plain config file: the ops are applied to its text (comments kept), the
// result is loaded by a full engine reload, and only when it loads is the file
// replaced atomically; a failed write reloads the old text. A profile's
// effective file: the ops go to the profile's override layer (PUT override
// validates and reloads), so a profile update never wipes them.
// A bad edit answers 400/404 with the core's located message and changes
// nothing. Edits run one at a time (each reads the result of the previous).
import { basename } from 'node:path';
import type { RoutePlugin } from '../http/types.js';
import { SyError, isSyError } from '../../core/errors.js';
import { applyConfigEdits, parseEditOps, type ConfigEditOp } from '../../config/edit.js';
import { applyOverrideEdits } from '../../config/edit-override.js';
import type { ApiConfigRaw } from '../api-types.js';
import type { ConfigFileView, ControllerDeps } from '../deps.js';

function need(deps: ControllerDeps, where: string): ConfigFileView {
  if (!deps.configFile) throw new SyError('SY_ERR_API_UNAVAILABLE', { where, detail: 'this core does not expose its config file' });
  return deps.configFile;
}

/** The active profile's id when `path` is its effective file, else ''. */
async function profileOf(deps: ControllerDeps, path: string): Promise<string> {
  if (!deps.profiles) return '';
  const { active } = await deps.profiles.list();
  return active && basename(path) === `${active}.effective.yaml` ? active : '';
}

async function raw(deps: ControllerDeps, where: string): Promise<ApiConfigRaw & { from: string }> {
  const f = await need(deps, where).read();
  return { path: f.path, payload: f.payload, from: f.running ?? f.path, bundled: f.running !== undefined && f.running !== f.path, profile: await profileOf(deps, f.path) };
}

function strip(r: ApiConfigRaw & { from: string }): ApiConfigRaw {
  return { path: r.path, payload: r.payload, profile: r.profile, bundled: r.bundled };
}

async function reloadWith(deps: ControllerDeps, payload: string, path: string): Promise<void> {
  try {
    await deps.reload({ payload, path });
  } catch (err) {
    // The engine wraps the config's own located errors: answer those (the running config is unchanged either way).
    if (isSyError(err) && err.code === 'SY_ERR_ENGINE_RELOAD' && isSyError(err.cause) && !err.cause.code.startsWith('SY_ERR_ENGINE_')) throw err.cause;
    if (isSyError(err)) throw err;
    throw new SyError('SY_ERR_API_RELOAD_FAILED', { cause: err });
  }
}

async function edit(deps: ControllerDeps, ops: ConfigEditOp[]): Promise<ApiConfigRaw> {
  const where = 'POST /configs/edit';
  const cur = await raw(deps, where);
  if (cur.profile && deps.profiles) {
    const id = cur.profile;
    const override = await deps.profiles.getOverride(id);
    const next = applyOverrideEdits(override, cur.payload, ops, `${id}.override.yaml`);
    await deps.profiles.putOverride(id, next);
    return strip(await raw(deps, where));
  }
  const next = applyConfigEdits(cur.payload, ops, cur.path);
  await reloadWith(deps, next, cur.path);
  try {
    await need(deps, where).write(cur.path, next);
  } catch (err) {
    // The file stayed as it was: put the engine back on it too.
    await deps.reload({ payload: cur.payload, path: cur.from }).catch(() => {});
    throw isSyError(err) ? err : new SyError('SY_ERR_API_RELOAD_FAILED', { where: cur.path, detail: 'cannot write the config file', cause: err });
  }
  return { path: cur.path, payload: next, profile: '', bundled: false };
}

export function configEditRoutes(deps: ControllerDeps): RoutePlugin {
  return (app, _opts, done) => {
    // One edit at a time: a second edit must see the file the first one wrote.
    let queue: Promise<unknown> = Promise.resolve();
    const serial = <T>(fn: () => Promise<T>): Promise<T> => {
      const run = queue.then(fn);
      queue = run.catch(() => {});
      return run;
    };
    // Reads wait for a running edit too: never the text between its reload and its write.
    app.get('/configs/raw', async () => serial(async () => strip(await raw(deps, 'GET /configs/raw'))));
    app.post('/configs/edit', async (req) => {
      const ops = parseEditOps(req.body);
      return serial(() => edit(deps, ops));
    });
    done();
  };
}
