// Whether dist/ (the compiled core, `npm run build`) matches the TypeScript
// sources it was built from. The build writes dist/.build-stamp: a SHA-256 of
// every compiled input (path and content of main/**/*.ts, native/*.ts and the
// two tsconfig files), taken before tsc runs, so an edit during the build
// leaves the build stale. Content, not mtimes: a checkout, a copy or a
// restored backup never make an old build look current. Hashing ~1 MB of
// sources takes a few ms.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const STAMP = join('dist', '.build-stamp');
const ENTRY = join('dist', 'main', 'cli.js');
const CONFIGS = ['tsconfig.json', 'tsconfig.build.json'];

/** Relative paths of the compiled inputs, sorted. */
function inputs(root) {
  const out = [];
  const walk = (rel) => {
    let entries;
    try {
      entries = readdirSync(join(root, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(rel, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'node_modules' && e.name !== 'build') walk(p);
      } else if (e.name.endsWith('.ts')) out.push(p);
    }
  };
  walk('main');
  walk('native');
  for (const c of CONFIGS) if (existsSync(join(root, c))) out.push(c);
  return out.sort();
}

/** The fingerprint of the sources as they are now ('' when there are none, e.g. an installed copy without sources). */
export function sourceFingerprint(root) {
  const files = inputs(root);
  if (files.length === 0) return '';
  const h = createHash('sha256');
  for (const f of files) {
    h.update(f).update('\0');
    try {
      h.update(readFileSync(join(root, f)));
    } catch {
      h.update('(unreadable)');
    }
    h.update('\0');
  }
  return h.digest('hex');
}

/**
 * 'current': dist/ was built from exactly these sources (or there are no
 * sources to compare with); 'stale': the sources changed since, or the build
 * has no stamp; 'absent': no build.
 */
export function distState(root) {
  if (!existsSync(join(root, ENTRY))) return 'absent';
  let stamp = '';
  try {
    stamp = readFileSync(join(root, STAMP), 'utf8').trim();
  } catch {
    /* no stamp: built by hand with tsc, or by an older build script */
  }
  const now = sourceFingerprint(root);
  if (now === '') return 'current';
  return stamp === now ? 'current' : 'stale';
}
