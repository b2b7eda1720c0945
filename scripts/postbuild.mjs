#!/usr/bin/env node
// After `tsc -p tsconfig.build.json`: dist/ mirrors the repository's layout
// for what the compiled code finds relative to itself (bundled config,
// dashboard, package.json, the native addon's build, icons) through symlinks.
import { symlinkSync, rmSync, existsSync, lstatSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const links = [
  ['dist/rules', '../rules'],
  ['dist/renderer', '../renderer'],
  ['dist/assets', '../assets'],
  ['dist/package.json', '../package.json'],
  ['dist/native/build', '../../native/build'],
];
for (const [at, to] of links) {
  const p = join(root, at);
  try {
    if (lstatSync(p)) rmSync(p, { recursive: true, force: true });
  } catch {
    /* absent */
  }
  if (existsSync(join(p, '..', to))) symlinkSync(to, p);
}
