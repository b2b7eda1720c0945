// GNOME: org.gnome.system.proxy (mode, ignore-hosts) and its socks, http and
// https children (host, port) through `gsettings`. Values are saved as the
// GVariant text `gsettings get` prints and written back verbatim; a key whose
// value equals the schema default (read with GSETTINGS_BACKEND=memory) is
// saved as "not set" and restored with `gsettings reset`, so the user's
// settings store ends as it was.
import { commandFailed } from './errors.js';
import type { CommandRunner, ProxyBackend, ProxyTarget, SavedKey } from './types.js';

const ROOT = 'org.gnome.system.proxy';
const CHILDREN = ['socks', 'http', 'https'] as const;

/** Every key we touch, in the order they are applied (mode last: switch on only when the rest is in place). */
export const GNOME_KEYS: ReadonlyArray<readonly [string, string]> = [
  ...CHILDREN.flatMap((c) => [[`${ROOT}.${c}`, 'host'] as const, [`${ROOT}.${c}`, 'port'] as const]),
  [ROOT, 'ignore-hosts'],
  [ROOT, 'mode'],
];

/** GVariant text of a string. */
const gstr = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

export function gnomeBackend(run: CommandRunner): ProxyBackend {
  const gs = async (args: string[], env?: Record<string, string>) => {
    const r = await run('gsettings', args, env);
    if (r.code !== 0) throw commandFailed('gsettings', args, r);
    return r.stdout.trim();
  };
  return {
    desktop: 'gnome',
    async read() {
      const out: SavedKey[] = [];
      for (const [group, key] of GNOME_KEYS) {
        const value = await gs(['get', group, key]);
        const dflt = await gs(['get', group, key], { GSETTINGS_BACKEND: 'memory' });
        out.push({ group, key, value: value === dflt ? null : value });
      }
      return out;
    },
    async apply(t: ProxyTarget) {
      for (const c of CHILDREN) {
        await gs(['set', `${ROOT}.${c}`, 'host', gstr(t.host)]);
        await gs(['set', `${ROOT}.${c}`, 'port', String(t.port)]);
      }
      await gs(['set', ROOT, 'ignore-hosts', `[${t.ignore.map(gstr).join(', ')}]`]);
      await gs(['set', ROOT, 'mode', gstr('manual')]);
    },
    async restore(saved: readonly SavedKey[]) {
      // mode first: the proxy is off before its details change back.
      const ordered = [...saved].sort((a, b) => Number(b.key === 'mode') - Number(a.key === 'mode'));
      for (const s of ordered) {
        if (s.value === null) await gs(['reset', s.group, s.key]);
        else await gs(['set', s.group, s.key, s.value]);
      }
    },
  };
}
