// The Clash rule-line grammar (reference.md §2.1, mihomo config.go parseRules):
// how a line splits into type, payload, target and parameters. It knows no
// per-type payload syntax; main/rules/ validates payloads and parameters.
import { SyError } from '../core/errors.js';

/** One rule line, split. `target` is '' for classical provider entries. */
export interface SplitRule {
  /** Upper-cased rule type as written (`DOMAIN-SUFFIX`, `AND`, `MATCH`, …). */
  type: string;
  /** '' for MATCH; for logic/regex types the fields between type and target re-joined with ','. */
  payload: string;
  target: string;
  /** Trailing fields after the target (`no-resolve`, `src`), as written. */
  params: string[];
}

/** Types whose payload may contain commas: the target is the LAST field. */
export const JOINED_PAYLOAD_TYPES: ReadonlySet<string> = new Set([
  'AND',
  'OR',
  'NOT',
  'SUB-RULE',
  'DOMAIN-REGEX',
  'PROCESS-NAME-REGEX',
  'PROCESS-PATH-REGEX',
]);

export interface SplitOptions {
  /** false for classical rule-provider entries: `TYPE,payload[,params]`. Default true. */
  withTarget?: boolean;
  /** Prefix of error messages, e.g. `config.yaml:41:5 rules[12]`. */
  where?: string;
}

/**
 * Split a rule line. Throws SY_ERR_CONFIG_RULE_SYNTAX when the line has fewer
 * than the fields its shape needs, or an empty type, payload or target.
 */
export function splitRuleLine(raw: string, opts: SplitOptions = {}): SplitRule {
  const withTarget = opts.withTarget ?? true;
  const fail = (expected: string, detail?: string): never => {
    throw new SyError('SY_ERR_CONFIG_RULE_SYNTAX', { where: opts.where, value: raw, expected, detail });
  };
  if (typeof raw !== 'string') fail('a string');
  const fields = raw.split(',').map((f) => f.trim());
  const type = fields[0]!.toUpperCase();
  if (type === '') fail(withTarget ? 'TYPE,payload,target' : 'TYPE,payload', 'the rule type is empty');
  const shape = withTarget ? `${type},payload,target` : `${type},payload`;

  if (type === 'MATCH') {
    if (!withTarget) return { type, payload: '', target: '', params: fields.slice(1) };
    if (fields.length < 2 || fields[1] === '') fail('MATCH,target', 'the target is missing');
    return { type, payload: '', target: fields[1]!, params: fields.slice(2) };
  }
  if (fields.length < 2) fail(withTarget ? `${shape}[,no-resolve|src]` : `${shape}[,no-resolve|src]`, 'too few fields');

  if (JOINED_PAYLOAD_TYPES.has(type)) {
    if (!withTarget) {
      const payload = fields.slice(1).join(',');
      if (payload === '') fail(shape, 'the payload is empty');
      return { type, payload, target: '', params: [] };
    }
    if (fields.length < 3) fail(shape, 'too few fields: the last field is the target');
    const target = fields[fields.length - 1]!;
    const payload = fields.slice(1, -1).join(',');
    if (payload === '') fail(shape, 'the payload is empty');
    if (target === '') fail(shape, 'the target is empty');
    return { type, payload, target, params: [] };
  }

  const payload = fields[1]!;
  if (payload === '') fail(shape, 'the payload is empty');
  if (!withTarget) return { type, payload, target: '', params: fields.slice(2) };
  if (fields.length < 3) fail(`${shape}[,no-resolve|src]`, 'the target is missing');
  const target = fields[2]!;
  if (target === '') fail(`${shape}[,no-resolve|src]`, 'the target is empty');
  const params = fields.slice(3);
  if (params.some((p) => p === '')) fail(`${shape}[,no-resolve|src]`, 'an empty parameter (stray comma?)');
  return { type, payload, target, params };
}
