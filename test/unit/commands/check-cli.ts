// Runs `switchyard check --config FILE` on a config written to a temp dir
// (removed after the test file), as a user would.
import { after } from 'node:test';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CLI = new URL('../../../bin/switchyard.mjs', import.meta.url).pathname;

export interface CheckCli {
  /** Writes `body` as `name` and checks it. */
  check(name: string, body: string): { code: number | null; out: string; err: string; file: string };
  /** Writes a file the config refers to (a provider list, …) into the same dir. */
  put(name: string, body: string): void;
}

export function checkCli(prefix: string): CheckCli {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const put = (name: string, body: string) => writeFileSync(join(dir, name), body);
  return {
    put,
    check(name, body) {
      put(name, body);
      const file = join(dir, name);
      const r = spawnSync(process.execPath, [CLI, 'check', '--config', file], { encoding: 'utf8', timeout: 60_000 });
      return { code: r.status, out: r.stdout, err: r.stderr, file };
    },
  };
}
