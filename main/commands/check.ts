// `switchyard check --config FILE`: loads the config with the rule validator,
// loads every rule provider and compiles the rules; prints every error (code,
// file:line:col, value) and warning. Exit 0 when there are only warnings, 1 on
// any error.
import { createLogHub } from '../core/logger.js';
import { buildRuleStack } from '../providers/rule-stack.js';

export async function checkCommand(opts: { config: string }): Promise<number> {
  const hub = createLogHub({ level: 'silent', sink: null });
  const stack = await buildRuleStack(opts.config, hub.logger);
  for (const e of stack.errors) process.stderr.write(`error ${e.code}: ${e.message}\n`);
  for (const w of stack.warnings) process.stderr.write(`warning ${w.code}: ${w.message}\n`);
  if (stack.errors.length > 0) {
    process.stderr.write(`${opts.config}: ${stack.errors.length} error(s), ${stack.warnings.length} warning(s)\n`);
    return 1;
  }
  const sets = [...stack.providers.values()].map((p) => `${p.name}=${p.status().ruleCount}`);
  process.stdout.write(
    `${opts.config}: OK — ${stack.engine?.rules.length ?? 0} rules, ${stack.providers.size} rule providers${sets.length ? ` (${sets.join(', ')})` : ''}, ${stack.warnings.length} warning(s)\n`,
  );
  return 0;
}
