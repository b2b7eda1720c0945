// Where the shell finds the core: command line, then environment, then the
// config the core runs (`external-controller`, `secret`), then Clash's default.
import { parse } from 'yaml';
import { normalizeBaseUrl } from './core-client.js';
import { ShellError } from './errors.js';

export interface ShellOptions {
  /** http://host:port of the controller */
  controller: string;
  secret: string;
  /** the config the core is started with when the shell has to start it */
  configPath: string;
  /** start hidden in the tray (autostart) */
  hidden: boolean;
}

export interface ShellOptionSources {
  argv: readonly string[];
  env: Record<string, string | undefined>;
  /** the bundled default config (rules/default.yaml) */
  defaultConfig: string;
  exists: (p: string) => boolean;
  readText: (p: string) => string;
}

const flag = (argv: readonly string[], name: string): string | undefined => {
  const pre = `--${name}=`;
  return argv.find((a) => a.startsWith(pre))?.slice(pre.length);
};

/** The user's config, as design §4 says for `switchyard run`. */
export function userConfigPath(env: Record<string, string | undefined>, exists: (p: string) => boolean): string {
  const home = env.XDG_CONFIG_HOME || (env.HOME ? `${env.HOME}/.config` : '');
  const p = home ? `${home}/switchyard/config.yaml` : '';
  return p && exists(p) ? p : '';
}

export function resolveShellOptions(s: ShellOptionSources): ShellOptions {
  const configPath = flag(s.argv, 'config') || userConfigPath(s.env, s.exists) || s.defaultConfig;
  let fromFile: { controller: string; secret: string } = { controller: '', secret: '' };
  if (s.exists(configPath)) {
    try {
      const doc = parse(s.readText(configPath)) as Record<string, unknown> | null;
      const ec = doc?.['external-controller'];
      const sec = doc?.secret;
      fromFile = { controller: typeof ec === 'string' ? ec : '', secret: typeof sec === 'string' ? sec : '' };
    } catch (cause) {
      throw new ShellError('SY_ERR_APP_BAD_OPTION', 'cannot read the controller address from the config', { where: configPath, cause, detail: String(cause) });
    }
  }
  let controller = flag(s.argv, 'controller') || s.env.SWITCHYARD_CONTROLLER || fromFile.controller || '127.0.0.1:9090';
  // A controller listening on every address is reached through loopback.
  controller = controller.replace(/^(https?:\/\/)?(0\.0\.0\.0|\[::\]|:)(?=:|$)/, (_m, scheme: string | undefined) => `${scheme ?? ''}127.0.0.1`);
  if (/^:\d+$/.test(controller)) controller = `127.0.0.1${controller}`;
  return {
    controller: normalizeBaseUrl(controller),
    secret: flag(s.argv, 'secret') ?? s.env.SWITCHYARD_SECRET ?? fromFile.secret,
    configPath,
    hidden: s.argv.includes('--hidden'),
  };
}
