// A live core for the UI tests: `switchyard run --config <temp>` with capture
// off, the controller and the mixed port on 127.0.0.1 (OS-chosen free ports),
// a random secret. Started and stopped by PID; bounded waits everywhere.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;

/** A free TCP port on 127.0.0.1 (the OS picks it). */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export interface LiveCore {
  controller: string;
  secret: string;
  mixedPort: number;
  /** The config's directory (its home: ruleset/ copies go here); '' for an attached core. */
  dir: string;
  /** GET/PATCH the controller with the secret. */
  api<T>(method: string, path: string, body?: unknown): Promise<T>;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Development aid: use a core that is already running (`SY_UI_CORE=http://127.0.0.1:9090 SY_UI_SECRET=…`)
 * instead of starting one; the tests that need this suite's own config skip.
 */
export function attachCore(controller: string, secret: string): LiveCore {
  return { controller, secret, mixedPort: 0, dir: '', api: apiOf(controller, secret), output: () => '', stop: async () => {} };
}

function apiOf(controller: string, secret: string) {
  return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(controller + path, {
      method,
      headers: { authorization: `Bearer ${secret}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(5000),
    });
    if (!res.ok) throw new Error(`${method} ${path} -> ${res.status} ${await res.text()}`);
    const text = await res.text();
    return (text ? JSON.parse(text) : undefined) as T;
  };
}

/** Thrown when `switchyard run` is still the placeholder (the engine has not landed): the tests skip with this message. */
export class CoreUnavailable extends Error {}

/** `files`: extra files written next to the config first (relative path → content). */
export async function startCore(extraYaml: string, files: Record<string, string> = {}): Promise<LiveCore> {
  const dir = mkdtempSync(join(tmpdir(), 'sy-ui-core-'));
  const [ctlPort, mixedPort] = [await freePort(), await freePort()];
  const secret = randomBytes(12).toString('hex');
  const config = join(dir, 'config.yaml');
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  writeFileSync(
    config,
    [
      `mixed-port: ${mixedPort}`,
      // No TPROXY listener: its default port (7893) would collide between concurrent runs.
      'tproxy-port: 0',
      'bind-address: 127.0.0.1',
      'allow-lan: false',
      'mode: rule',
      'log-level: info',
      `external-controller: 127.0.0.1:${ctlPort}`,
      `secret: ${secret}`,
      `external-ui: ${join(root, 'renderer', 'dist')}`,
      'capture:',
      '  enable: false',
      extraYaml,
    ].join('\n'),
  );
  let out = '';
  const child: ChildProcess = spawn(process.execPath, [join(root, 'bin', 'switchyard.mjs'), 'run', '--config', config], {
    cwd: root,
    env: { ...process.env, XDG_CONFIG_HOME: dir, XDG_STATE_HOME: dir, XDG_CACHE_HOME: dir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  let exited = false;
  child.on('exit', () => (exited = true));
  const controller = `http://127.0.0.1:${ctlPort}`;

  const stop = async () => {
    if (!exited && child.pid) {
      child.kill('SIGTERM');
      const gone = await Promise.race([
        new Promise<boolean>((r) => child.once('exit', () => r(true))),
        new Promise<boolean>((r) => setTimeout(() => r(false), 5000).unref()),
      ]);
      if (!gone) child.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const api = apiOf(controller, secret);

  // Up when /version answers; give up after 20 s or when the process exits.
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (exited) {
      await stop();
      const why = `switchyard run exited before its controller came up: ${out.trim().split('\n').slice(-3).join(' | ')}`;
      // Only the placeholder of an engine that has not landed is a skip; any other exit is a failure.
      throw /engine is not built yet/.test(out) ? new CoreUnavailable(why) : new Error(why);
    }
    try {
      await api('GET', '/version');
      break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`switchyard run did not serve its controller within 20 s: ${out.slice(-500)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { controller, secret, mixedPort, dir, api, output: () => out, stop };
}
