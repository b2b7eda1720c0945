#!/usr/bin/env node
// Builds the compiled core in dist/ (`npm run build`): tsc -p tsconfig.build.json,
// the layout links of postbuild.mjs, then dist/.build-stamp (the fingerprint of
// the sources, taken before tsc runs; see bin/dist-state.mjs). bin/switchyard.mjs
// runs dist/ only while the stamp matches the sources.
//
//   --if-stale  do nothing when dist/ is current (used by `prepare`, `bench`, `npm start`)
//   --soft      never fail: print one line saying why there is no build and exit 0
//               (an install must not fail because a teammate's file does not compile;
//               the core then runs its sources through tsx)
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { distState, sourceFingerprint, STAMP } from '../bin/dist-state.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const soft = args.includes('--soft');

function fail(why) {
  process.stderr.write(`switchyard build: ${why}${soft ? '; the core will run its TypeScript sources through tsx' : ''}\n`);
  process.exit(soft ? 0 : 1);
}

if (args.includes('--if-stale') && distState(root) === 'current') process.exit(0);

let tsc;
try {
  tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
} catch {
  fail('typescript is not installed (npm ci without --omit=dev builds dist/)');
}
const stamp = sourceFingerprint(root);
// A failed build must not leave an older stamp that matches nothing but looks like a build.
rmSync(join(root, STAMP), { force: true });
const t0 = Date.now();
const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
if (r.status !== 0) fail(`tsc -p tsconfig.build.json failed (exit ${r.status ?? r.signal})`);
const post = spawnSync(process.execPath, [join(root, 'scripts', 'postbuild.mjs')], { cwd: root, stdio: 'inherit' });
if (post.status !== 0) fail(`scripts/postbuild.mjs failed (exit ${post.status ?? post.signal})`);
if (!existsSync(join(root, 'dist', 'main', 'cli.js'))) fail('tsc wrote no dist/main/cli.js');
writeFileSync(join(root, STAMP), stamp + '\n');
if (!args.includes('--quiet')) process.stderr.write(`switchyard build: dist/ compiled in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
