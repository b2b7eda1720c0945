#!/usr/bin/env node
// The `switchyard` command. It runs the compiled core in dist/ (`npm run build`)
// when SWITCHYARD_DIST=1, or when this is an installed copy (no .git) that has
// a build; otherwise main/cli.ts through tsx, so a checkout never runs stale code.
// The compiled core starts faster and holds ~35 MB less RSS (no TypeScript loader).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(root, 'dist', 'main', 'cli.js');
const wantDist = process.env.SWITCHYARD_DIST === '1' || (process.env.SWITCHYARD_DIST !== '0' && !existsSync(join(root, '.git')));
let entry = join(root, 'main', 'cli.ts');
if (wantDist && existsSync(built)) {
  entry = built;
} else {
  try {
    const { register } = await import('tsx/esm/api');
    register();
  } catch {
    if (!existsSync(built)) {
      process.stderr.write('switchyard: neither tsx nor a build in dist/ is available; run `npm ci` (and `npm run build`)\n');
      process.exit(1);
    }
    entry = built;
  }
}
const { main } = await import(pathToFileURL(entry).href);
process.exitCode = await main(process.argv.slice(2));
