// Starts a real dante-server (/usr/sbin/danted) on 127.0.0.1 with a free port
// for tests, with `socksmethod: none` or `username` (dante checks system users
// through passwd/shadow, so createSocksUser() adds a throwaway system user).
// Everything is stopped by PID; the temp dir is removed.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';

export const DANTED = '/usr/sbin/danted';

export interface Dante {
  readonly host: string;
  readonly port: number;
  readonly pid: number;
  /** dante's log so far (stderr) */
  log(): string;
  stop(): Promise<void>;
}

export interface DanteOptions {
  method?: 'none' | 'username';
  /** `external:` address (default 127.0.0.1) */
  external?: string;
  /** extra lines appended to danted.conf */
  extra?: string;
}

export function danteAvailable(): boolean {
  return existsSync(DANTED);
}

/** A free TCP port on 127.0.0.1 (chosen by the OS). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export async function startDante(opts: DanteOptions = {}): Promise<Dante> {
  const dir = mkdtempSync(join(tmpdir(), 'sy-dante-'));
  const port = await freePort();
  const conf = [
    'logoutput: stderr',
    `internal: 127.0.0.1 port = ${port}`,
    `external: ${opts.external ?? '127.0.0.1'}`,
    'clientmethod: none',
    `socksmethod: ${opts.method ?? 'none'}`,
    'user.privileged: root',
    'user.unprivileged: nobody',
    'client pass { from: 0.0.0.0/0 to: 0.0.0.0/0 }',
    'socks pass { from: 0.0.0.0/0 to: 0.0.0.0/0 command: bind connect udpassociate bindreply udpreply }',
    opts.extra ?? '',
  ].join('\n');
  writeFileSync(join(dir, 'danted.conf'), conf + '\n');
  let log = '';
  const child: ChildProcess = spawn(DANTED, ['-f', join(dir, 'danted.conf'), '-p', join(dir, 'pid'), '-N', '1'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (d: string) => {
    if (log.length < 200_000) log += d;
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null && child.pid) {
      try {
        process.kill(child.pid, 'SIGTERM');
      } catch {
        /* gone */
      }
      const t = setTimeout(() => child.pid && safeKill(child.pid), 3000);
      await exited;
      clearTimeout(t);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  // wait (bounded) until it accepts connections
  const deadline = Date.now() + 5000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`danted exited at start: ${log}`);
    }
    if (await canConnect(port)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`danted did not listen within 5 s: ${log}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { host: '127.0.0.1', port, pid: child.pid ?? 0, log: () => log, stop };
}

function safeKill(pid: number) {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    /* gone */
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/**
 * Adds a throwaway system user (no home, no shell) for dante's username
 * method; the returned function deletes it. Needs root.
 */
export function createSocksUser(name: string, password: string): () => void {
  if (readFileSync('/etc/passwd', 'utf8').split('\n').some((l) => l.startsWith(`${name}:`))) {
    execFileSync('userdel', [name], { stdio: 'ignore' });
  }
  execFileSync('useradd', ['-M', '-s', '/usr/sbin/nologin', name], { stdio: 'ignore' });
  execFileSync('chpasswd', [], { input: `${name}:${password}\n`, stdio: ['pipe', 'ignore', 'ignore'] });
  return () => {
    try {
      execFileSync('userdel', [name], { stdio: 'ignore' });
    } catch {
      /* already gone */
    }
  };
}
