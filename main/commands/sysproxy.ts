// `switchyard sysproxy on [--port N] [--desktop gnome|kde|auto] | off | status`:
// the desktop's system proxy at the mixed port, for running without
// CAP_NET_ADMIN. The previous settings are saved in $XDG_STATE_HOME/switchyard
// first; `off` (and `on` after a crash) restores exactly those.
import { createSystemProxy, execRunner, stateDir, type Desktop } from '../electron/sysproxy/index.js';

export interface SysproxyCommandDeps {
  env?: NodeJS.ProcessEnv;
  out?: (s: string) => void;
  err?: (s: string) => void;
}

type Verb = 'on' | 'off' | 'status';

export async function sysproxyCommand(verb: Verb, opts: { port?: string; desktop?: string }, d: SysproxyCommandDeps = {}): Promise<number> {
  const env = d.env ?? process.env;
  const out = d.out ?? ((s) => process.stdout.write(s));
  const err = d.err ?? ((s) => process.stderr.write(s));
  const desktop = (opts.desktop ?? 'auto') as Desktop | 'auto';
  if (!['auto', 'gnome', 'kde'].includes(desktop)) {
    err(`switchyard: SY_ERR_SYSPROXY_NO_DESKTOP: --desktop must be gnome, kde or auto (got ${JSON.stringify(opts.desktop)})\n`);
    return 1;
  }
  const sp = createSystemProxy({ run: execRunner(env), env, stateDir: stateDir(env), desktop });
  try {
    const port = opts.port === undefined ? 7890 : Number(opts.port);
    const st = verb === 'on' ? await sp.on({ port }) : verb === 'off' ? await sp.off() : await sp.status();
    out(JSON.stringify(st) + '\n');
    return 0;
  } catch (e) {
    const c = e as { code?: unknown; message?: unknown };
    if (typeof c.code === 'string' && c.code.startsWith('SY_ERR_')) {
      err(`switchyard: ${c.code}: ${String(c.message)}\n`);
      return 1;
    }
    throw e;
  }
}
