// bin/dist-state.mjs: when bin/switchyard.mjs may run the compiled core in
// dist/ instead of the TypeScript sources (a fake tree in a temp directory).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error plain .mjs without types
import { distState, sourceFingerprint, STAMP } from '../../../bin/dist-state.mjs';

function tree(t: { after(fn: () => void): void }) {
  const root = mkdtempSync(join(tmpdir(), 'sy-bin-dist-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'main', 'core'), { recursive: true });
  mkdirSync(join(root, 'native', 'build'), { recursive: true });
  writeFileSync(join(root, 'main', 'cli.ts'), 'export const a = 1;\n');
  writeFileSync(join(root, 'main', 'core', 'x.ts'), 'export const x = 1;\n');
  writeFileSync(join(root, 'native', 'index.ts'), 'export {};\n');
  writeFileSync(join(root, 'tsconfig.json'), '{}\n');
  const build = () => {
    mkdirSync(join(root, 'dist', 'main'), { recursive: true });
    writeFileSync(join(root, 'dist', 'main', 'cli.js'), 'export const a = 1;\n');
    writeFileSync(join(root, STAMP), sourceFingerprint(root) + '\n');
  };
  return { root, build };
}

test('no build is absent; a fresh build is current', (t) => {
  const { root, build } = tree(t);
  assert.equal(distState(root), 'absent');
  build();
  assert.equal(distState(root), 'current');
});

test('an edited, added or removed source makes the build stale; restoring the content makes it current again', (t) => {
  const { root, build } = tree(t);
  build();
  writeFileSync(join(root, 'main', 'core', 'x.ts'), 'export const x = 2;\n');
  assert.equal(distState(root), 'stale');
  writeFileSync(join(root, 'main', 'core', 'x.ts'), 'export const x = 1;\n');
  assert.equal(distState(root), 'current', 'content, not mtime, decides');
  writeFileSync(join(root, 'main', 'core', 'y.ts'), 'export const y = 1;\n');
  assert.equal(distState(root), 'stale');
  rmSync(join(root, 'main', 'core', 'y.ts'));
  rmSync(join(root, 'main', 'core', 'x.ts'));
  assert.equal(distState(root), 'stale');
});

test('tsconfig and native sources count; native/build and non-TS files do not', (t) => {
  const { root, build } = tree(t);
  build();
  writeFileSync(join(root, 'native', 'build', 'gen.ts'), 'x');
  writeFileSync(join(root, 'main', 'README.md'), 'x');
  assert.equal(distState(root), 'current');
  writeFileSync(join(root, 'tsconfig.json'), '{"compilerOptions":{}}\n');
  assert.equal(distState(root), 'stale');
});

test('a build without a stamp is stale; a copy without sources trusts its build', (t) => {
  const { root, build } = tree(t);
  build();
  rmSync(join(root, STAMP));
  assert.equal(distState(root), 'stale');
  rmSync(join(root, 'main'), { recursive: true });
  rmSync(join(root, 'native'), { recursive: true });
  rmSync(join(root, 'tsconfig.json'));
  mkdirSync(join(root, 'dist', 'main'), { recursive: true });
  writeFileSync(join(root, 'dist', 'main', 'cli.js'), '');
  assert.equal(distState(root), 'current');
});
