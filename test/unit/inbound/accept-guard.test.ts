// EMFILE/ENFILE on accept: logged once per episode, counted, reported when over.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createAcceptGuard } from '../../../main/inbound/accept-guard.js';
import { NULL_LOGGER, type Logger } from '../../../main/core/logger.js';

function recorder(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const l: Logger & { lines: string[] } = {
    ...NULL_LOGGER,
    lines,
    error: (m) => void lines.push(`error ${m}`),
    warn: (m, f) => void lines.push(`warn ${m} ${JSON.stringify(f)}`),
    child: () => l,
  };
  return l;
}

const err = (code: string) => Object.assign(new Error(code), { code });

test('an EMFILE storm logs once, then once more when accepting resumes', async () => {
  const log = recorder();
  const g = createAcceptGuard(log, 50);
  for (let i = 0; i < 100; i++) assert.equal(g.onError(err(i % 2 ? 'EMFILE' : 'ENFILE')), true);
  assert.equal(g.pressured, true);
  assert.equal(log.lines.length, 1);
  const keep = setTimeout(() => {}, 1000);
  await new Promise((r) => setTimeout(r, 120));
  clearTimeout(keep);
  assert.equal(g.pressured, false);
  assert.deepEqual(log.lines.slice(1), ['warn accepting connections again {"shed":100}']);
  g.close();
});

test('other errors are not handled by the guard', () => {
  const g = createAcceptGuard(NULL_LOGGER);
  assert.equal(g.onError(err('ECONNABORTED')), false);
  assert.equal(g.pressured, false);
});
