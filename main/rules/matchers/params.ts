// Rule parameters (`no-resolve`, `src`) and the shared error helper of matchers.
import { SyError } from '../../core/errors.js';
import type { ErrorCode } from '../../core/error-codes.js';

export interface RuleParams {
  /** The rule never triggers DNS resolution (it still sees an IP resolved earlier). */
  readonly noResolve: boolean;
  /** Match the source instead of the destination; implies no-resolve. */
  readonly src: boolean;
}

export const NO_PARAMS: RuleParams = { noResolve: false, src: false };

/**
 * Parses the trailing fields. Unknown parameters are errors: mihomo ignores
 * them, but a misspelt `no-resolve` would silently leak DNS queries.
 */
export function parseParams(params: readonly string[], where: string): RuleParams {
  let noResolve = false;
  let src = false;
  for (const p of params) {
    const q = p.trim().toLowerCase();
    if (q === 'no-resolve') noResolve = true;
    else if (q === 'src') src = true;
    else throw new SyError('SY_ERR_RULE_BAD_PARAM', { where, value: p, expected: 'no-resolve or src' });
  }
  return { noResolve: noResolve || src, src };
}

/** Throws a located rule error. */
export function fail(code: ErrorCode, where: string, value: unknown, expected?: string, detail?: string): never {
  throw new SyError(code, { where, value, expected, detail });
}
