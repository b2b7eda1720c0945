// Renders the error-code registry as Markdown; shared by the generator and its test.
import { ERROR_CODES } from '../main/core/error-codes.js';

export function renderErrorDocs(): string {
  const rows = Object.entries(ERROR_CODES)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([code, text]) => `| \`${code}\` | ${text} |`);
  return [
    '# Error codes',
    '',
    'Every error switchyard reports carries one of these codes, a location (`where`) and, where it helps, the offending value and what would be valid. The controller API answers `{"code","message"}`.',
    'Generated from `main/core/error-codes/` by `npm run docs:errors`; a test keeps the two in step.',
    '',
    '| code | meaning |',
    '|---|---|',
    ...rows,
    '',
  ].join('\n');
}
