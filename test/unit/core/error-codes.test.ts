import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ERROR_CODES } from '../../../main/core/error-codes.js';
import { SyError } from '../../../main/core/errors.js';
import { renderErrorDocs } from '../../../scripts/error-docs.js';

test('every error code is documented in docs/errors.md (run `npm run docs:errors`)', () => {
  const docs = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
  assert.equal(docs, renderErrorDocs());
});

test('codes follow SY_ERR_<AREA>_<WHAT>', () => {
  for (const code of Object.keys(ERROR_CODES)) assert.match(code, /^SY_ERR_[A-Z0-9]+_[A-Z0-9_]+$/);
});

test('a SyError message carries where, the value and what was expected', () => {
  const e = new SyError('SY_ERR_RULE_SYNTAX', { where: 'c.yaml:3:5 rules[0]', value: 'FOO', expected: 'TYPE,payload,target' });
  assert.equal(e.code, 'SY_ERR_RULE_SYNTAX');
  assert.match(e.message, /^c\.yaml:3:5 rules\[0\]: /);
  assert.match(e.message, /"FOO"/);
  assert.match(e.message, /expected TYPE,payload,target/);
  assert.deepEqual(Object.keys(e.toJSON()), ['code', 'message']);
});
