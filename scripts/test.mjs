#!/usr/bin/env node
// `npm test`: lint (types + import boundaries), then every test file under
// test/unit, test/e2e and test/ui on node's test runner (through tsx).
// `npm test -- unit/rules` runs only files whose path contains that string;
// `--no-lint` skips the lint step.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const noLint = args.includes('--no-lint');
const filters = args.filter((a) => !a.startsWith('--'));

function walk(dir) {
  let out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out = out.concat(walk(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

if (!noLint && filters.length === 0) {
  const lint = spawnSync('npm', ['run', '-s', 'lint'], { cwd: root, stdio: 'inherit' });
  if (lint.status !== 0) {
    console.error('lint failed');
    process.exit(lint.status ?? 1);
  }
}

const groups = ['unit', 'e2e', 'ui'];
let files = [];
for (const g of groups) {
  const dir = join(root, 'test', g);
  try {
    files = files.concat(walk(dir).sort());
  } catch {
    /* group absent */
  }
}
if (filters.length) files = files.filter((f) => filters.some((x) => relative(join(root, 'test'), f).includes(x)));
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
// Unit tests run in parallel; e2e and ui tests share namespaces/ports and run one file at a time.
const unit = files.filter((f) => f.includes('/test/unit/'));
const serial = files.filter((f) => !f.includes('/test/unit/'));
let failed = false;
const run = (list, concurrency) => {
  if (list.length === 0) return;
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-timeout=180000', '--test-reporter=spec', ...list],
    { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_NO_WARNINGS: '1' } },
  );
  if (r.status !== 0) failed = true;
};
run(unit, 2);
run(serial, 1);
process.exit(failed ? 1 : 0);
