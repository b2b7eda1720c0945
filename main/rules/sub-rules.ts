// The `sub-rules:` sets of a config, compiled on first use by a SUB-RULE (so
// unused sets cost nothing and order of definition does not matter). A set
// that reaches itself through SUB-RULE is an error located at the rule that
// closes the cycle.
import type { RuleLine } from '../config/types.js';
import { SyError } from '../core/errors.js';
import { splitRuleLine } from '../config/rule-line.js';
import type { SubEntry } from './matchers/sub-rule.js';
import type { CompileEnv } from './compile.js';
import { fail } from './matchers/params.js';

export class SubRuleTable {
  private readonly done = new Map<string, readonly SubEntry[]>();
  private readonly busy = new Set<string>();
  /** Errors of the sets' own lines (each located); compile collects them. */
  readonly errors: SyError[] = [];

  constructor(
    private readonly sets: Readonly<Record<string, readonly RuleLine[]>>,
    private readonly compile: (rule: { type: string; payload: string; params: readonly string[] }, where: string, env: CompileEnv) => {
      cond: SubEntry['cond'];
      params: { noResolve: boolean };
    },
  ) {}

  names(): string[] {
    return Object.keys(this.sets);
  }

  /** The compiled list of `name`; throws a located SyError for an unknown name or a cycle. */
  get(name: string, where: string, env: CompileEnv): readonly SubEntry[] {
    const hit = this.done.get(name);
    if (hit) return hit;
    const lines = Object.prototype.hasOwnProperty.call(this.sets, name) ? this.sets[name] : undefined;
    if (!lines) {
      const names = this.names();
      return fail('SY_ERR_RULE_UNKNOWN_SUBRULE', where, name, names.length ? `one of ${names.join(', ')}` : 'a name defined under sub-rules:');
    }
    if (this.busy.has(name)) fail('SY_ERR_RULE_SUBRULE_CYCLE', where, name, undefined, `sub-rules "${name}" reaches itself through SUB-RULE`);
    this.busy.add(name);
    const out: SubEntry[] = [];
    const subEnv: CompileEnv = { ...env, context: 'rules' };
    try {
      for (const line of lines) {
        try {
          const split = splitRuleLine(line.raw, { where: line.where });
          const c = this.compile(split, line.where, subEnv);
          out.push({ cond: c.cond, target: split.target, noResolve: c.params.noResolve });
        } catch (e) {
          if (e instanceof SyError && e.code === 'SY_ERR_RULE_SUBRULE_CYCLE') throw e;
          this.errors.push(e instanceof SyError ? e : new SyError('SY_ERR_RULE_SYNTAX', { where: line.where, value: line.raw, cause: e }));
        }
      }
    } finally {
      this.busy.delete(name);
    }
    this.done.set(name, out);
    return out;
  }
}
