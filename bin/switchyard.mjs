#!/usr/bin/env node
// The `switchyard` command: main/cli.ts through tsx (dist/ only when tsx is absent, as in a packaged app).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
let entry = join(root, 'main', 'cli.ts');
try {
  const { register } = await import('tsx/esm/api');
  register();
} catch {
  entry = join(root, 'dist', 'main', 'cli.js');
  if (!existsSync(entry)) {
    process.stderr.write('switchyard: neither tsx nor a build in dist/ is available; run `npm ci`\n');
    process.exit(1);
  }
}
const { main } = await import(pathToFileURL(entry).href);
process.exitCode = await main(process.argv.slice(2));
