// KDE: `[Proxy Settings]` of kioslaverc through kwriteconfig5/6 (read back
// with kreadconfig5/6). A key that did not exist is saved as "not set" (read
// with a sentinel default) and deleted again on restore.
import { commandFailed } from './errors.js';
import type { CommandRunner, ProxyBackend, ProxyTarget, SavedKey } from './types.js';

const GROUP = 'Proxy Settings';
export const KDE_KEYS = ['ProxyType', 'socksProxy', 'httpProxy', 'httpsProxy', 'NoProxyFor'] as const;
const UNSET = '\u0001switchyard-unset\u0001';

export interface KdeOptions {
  /** 5 or 6 (which kwriteconfig/kreadconfig pair exists). */
  version: 5 | 6;
  /** Absolute path of kioslaverc. */
  file: string;
}

export function kdeBackend(run: CommandRunner, o: KdeOptions): ProxyBackend {
  const tool = async (name: 'kreadconfig' | 'kwriteconfig', args: string[]) => {
    const file = `${name}${o.version}`;
    const full = ['--file', o.file, '--group', GROUP, ...args];
    const r = await run(file, full);
    if (r.code !== 0) throw commandFailed(file, full, r);
    return r.stdout.replace(/\n$/, '');
  };
  const write = (key: string, value: string) => tool('kwriteconfig', ['--key', key, value]);
  return {
    desktop: 'kde',
    async read() {
      const out: SavedKey[] = [];
      for (const key of KDE_KEYS) {
        const v = await tool('kreadconfig', ['--key', key, '--default', UNSET]);
        out.push({ group: GROUP, key, value: v === UNSET ? null : v });
      }
      return out;
    },
    async apply(t: ProxyTarget) {
      await write('socksProxy', `socks://${t.host} ${t.port}`);
      await write('httpProxy', `http://${t.host} ${t.port}`);
      await write('httpsProxy', `http://${t.host} ${t.port}`);
      await write('NoProxyFor', t.ignore.join(','));
      await write('ProxyType', '1');
    },
    async restore(saved: readonly SavedKey[]) {
      const ordered = [...saved].sort((a, b) => Number(b.key === 'ProxyType') - Number(a.key === 'ProxyType'));
      for (const s of ordered) {
        if (s.value === null) await tool('kwriteconfig', ['--key', s.key, '--delete', '']);
        else await write(s.key, s.value);
      }
    },
  };
}
