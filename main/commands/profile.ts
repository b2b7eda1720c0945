// `switchyard profile list|add|update|use|remove`: manage profiles in the
// config home ($XDG_CONFIG_HOME/switchyard/profiles). `use` makes a profile the
// one `switchyard run` starts with; a running core picks it up on its next
// start (or through the dashboard's activate, which reloads at once).
// Results are JSON (list: a table, or JSON with --json); coded errors exit 1.
import { isSyError } from '../core/errors.js';
import { createLogHub } from '../core/logger.js';
import { ProfileManager, configHome, type ProfileView } from '../profiles/index.js';

export interface ProfileCommandDeps {
  env?: NodeJS.ProcessEnv;
  out?: (s: string) => void;
  err?: (s: string) => void;
}

type Action = (pm: ProfileManager) => Promise<unknown>;

async function withManager(action: Action, d: ProfileCommandDeps): Promise<number> {
  const out = d.out ?? ((s) => process.stdout.write(s));
  const err = d.err ?? ((s) => process.stderr.write(s));
  const pm = new ProfileManager({ home: configHome(d.env ?? process.env), logger: createLogHub({ level: 'silent', sink: null }).logger });
  try {
    const r = await action(pm);
    if (typeof r === 'string') out(r);
    else if (r !== undefined) out(JSON.stringify(r, null, 2) + '\n');
    return 0;
  } catch (e) {
    if (!isSyError(e)) throw e;
    err(`switchyard: ${e.code}: ${e.message}\n`);
    return 1;
  }
}

export function profileListCommand(opts: { json?: boolean }, d: ProfileCommandDeps = {}): Promise<number> {
  return withManager(async (pm) => {
    const list = await pm.list();
    return opts.json ? list : table(list);
  }, d);
}

export function profileAddCommand(source: string, opts: { name?: string; interval?: string }, d: ProfileCommandDeps = {}): Promise<number> {
  return withManager(async (pm) => {
    const interval = opts.interval === undefined ? undefined : Number(opts.interval);
    const isUrl = /^[a-z][a-z0-9+.-]*:\/\//i.test(source);
    return pm.add({ ...(isUrl ? { url: source } : { file: source }), ...(opts.name ? { name: opts.name } : {}), ...(interval !== undefined ? { interval } : {}) });
  }, d);
}

export function profileUpdateCommand(ref: string, d: ProfileCommandDeps = {}): Promise<number> {
  return withManager((pm) => pm.update(ref), d);
}

export function profileUseCommand(ref: string, d: ProfileCommandDeps = {}): Promise<number> {
  return withManager((pm) => pm.activate(ref), d);
}

export function profileRemoveCommand(ref: string, d: ProfileCommandDeps = {}): Promise<number> {
  return withManager(async (pm) => {
    await pm.remove(ref);
    return `removed ${ref}\n`;
  }, d);
}

const GiB = 1024 ** 3;

function table(list: ProfileView[]): string {
  if (list.length === 0) return 'no profiles (add one: switchyard profile add <url-or-file>)\n';
  const rows = list.map((p) => [
    p.active ? '*' : ' ',
    p.id,
    p.name,
    p.source.type === 'url' ? 'url' : p.source.type,
    p.updatedAt ? new Date(p.updatedAt).toISOString().slice(0, 16).replace('T', ' ') : '-',
    p.userinfo ? `${((p.userinfo.upload + p.userinfo.download) / GiB).toFixed(1)}/${(p.userinfo.total / GiB).toFixed(1)} GiB` : '-',
    p.lastError ? p.lastError.code : '',
  ]);
  const head = [' ', 'ID', 'NAME', 'SOURCE', 'UPDATED (UTC)', 'USED', 'LAST ERROR'];
  const all = [head, ...rows];
  const w = head.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  return all.map((r) => r.map((c, i) => c.padEnd(w[i]!)).join('  ').trimEnd()).join('\n') + '\n';
}
