// `switchyard run`: the headless core. Without --config it uses
// $XDG_CONFIG_HOME/switchyard/config.yaml when present, else the bundled
// rules/default.yaml (with state kept in $XDG_CONFIG_HOME/switchyard).
// SIGINT/SIGTERM stop it cleanly (capture removed), SIGHUP reloads.
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogHub } from '../core/logger.js';
import { SyErrorList, isSyError } from '../core/errors.js';
import { startEngine } from '../engine.js';
import { activeProfileFile } from '../profiles/store.js';
import { afterModules, afterStart } from './lean-start.js';

export interface RunOptions {
  config?: string;
  capture?: boolean;
}

const BUNDLED = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'rules', 'default.yaml');

/** The config file and the home directory `run` uses. */
export function resolveConfigFile(opt: string | undefined, env = process.env): { file: string; home?: string } {
  if (opt) return { file: resolve(opt) };
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  const active = activeProfileFile(join(base, 'switchyard'));
  // A profile runs with the config home as its home: state and caches stay there.
  if (active) return { file: active, home: join(base, 'switchyard') };
  const user = join(base, 'switchyard', 'config.yaml');
  if (existsSync(user)) return { file: user };
  const home = join(base, 'switchyard');
  return { file: BUNDLED, home };
}

export async function runCommand(opts: RunOptions): Promise<number> {
  afterModules();
  const hub = createLogHub({ level: 'info' });
  const log = hub.logger;
  const { file, home } = resolveConfigFile(opts.config);
  if (home) mkdirSync(home, { recursive: true });
  let engine;
  try {
    const profilesHome = join(process.env.XDG_CONFIG_HOME || join(process.env.HOME || homedir(), '.config'), 'switchyard');
    engine = await startEngine({ configFile: file, profilesHome, ...(home ? { home } : {}), ...(opts.capture !== undefined ? { capture: opts.capture } : {}), logHub: hub });
  } catch (e) {
    if (e instanceof SyErrorList) {
      process.stderr.write(`switchyard: cannot start with ${file}:\n`);
      for (const x of e.errors) process.stderr.write(`  ${x.code}: ${x.message}\n`);
    } else if (isSyError(e)) {
      process.stderr.write(`switchyard: ${e.code}: ${e.message}\n`);
    } else {
      process.stderr.write(`switchyard: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    }
    return 1;
  } finally {
    afterStart();
  }
  const addr = engine.controllerAddress();
  const cfg = engine.config();
  const host = addr ? (addr.host.includes(':') ? `[${addr.host}]` : addr.host === '0.0.0.0' ? '127.0.0.1' : addr.host) : '';
  process.stdout.write(
    [
      `switchyard running with ${file}`,
      addr ? `dashboard: http://${host}:${addr.port}/ui/` : 'dashboard: off (no external-controller)',
      cfg.mixedPort ? `mixed proxy port: ${cfg.mixedPort}` : '',
      cfg.tproxyPort ? `tproxy port: ${cfg.tproxyPort}` : '',
      `capture: ${engine.captureState().installed ? 'installed' : 'off'}`,
    ]
      .filter(Boolean)
      .join('\n') + '\n',
  );

  // A failing connection must never take the core down.
  process.on('uncaughtException', (e) => log.error('uncaught exception (the core keeps running)', { error: e, stack: e.stack }));
  process.on('unhandledRejection', (e) => log.error('unhandled rejection (the core keeps running)', { error: e }));

  return new Promise<number>((done) => {
    let stopping = false;
    const stop = (sig: string) => {
      if (stopping) return;
      stopping = true;
      log.info(`${sig}: stopping`);
      const force = setTimeout(() => done(1), 10_000);
      force.unref();
      engine.stop().then(
        () => {
          clearTimeout(force);
          done(0);
        },
        (e: unknown) => {
          log.error('stop failed', { error: e });
          done(1);
        },
      );
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGHUP', () => {
      engine.reload().catch(() => {
        /* logged by the engine; the running config stays */
      });
    });
  });
}
