// The file-backed StateStore: persists across instances, survives corrupt files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileStateStore } from '../../../main/outbound/state-store.js';
import { NULL_LOGGER } from '../../../main/core/logger.js';

test('values persist across instances; corrupt or missing files start empty', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-state-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'sub', 'outbounds.json');
  const a = fileStateStore(path, NULL_LOGGER);
  assert.equal(a.get('select:Proxy'), undefined);
  a.set('select:Proxy', 'hk');
  assert.equal(fileStateStore(path, NULL_LOGGER).get('select:Proxy'), 'hk');
  assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), { 'select:Proxy': 'hk' });
  writeFileSync(path, '{not json');
  assert.equal(fileStateStore(path, NULL_LOGGER).get('select:Proxy'), undefined);
  writeFileSync(path, '[1,2]');
  assert.equal(fileStateStore(path, NULL_LOGGER).get('0'), undefined);
});
