// `switchyard check --config FILE`: loads the config with the rule validator,
// loads every rule provider, checks every proxy provider (files and last good
// copies, no network) and compiles the rules; prints every error (code,
// file:line:col, value) and warning. Exit 0 when there are only warnings, 1 on
// any error.
import { createLogHub } from '../core/logger.js';
import type { SyError } from '../core/errors.js';
import { checkProxyProviders } from '../proxy-providers/index.js';
import { buildRuleStack } from '../providers/rule-stack.js';

export async function checkCommand(opts: { config: string }): Promise<number> {
  const hub = createLogHub({ level: 'silent', sink: null });
  const stack = await buildRuleStack(opts.config, hub.logger);
  const errors: SyError[] = [...stack.errors];
  const warnings: SyError[] = [...stack.warnings];
  let proxyCounts: Readonly<Record<string, number>> = {};
  if (stack.config) {
    const pp = await checkProxyProviders(stack.config.proxyProviders ?? {});
    errors.push(...pp.errors);
    warnings.push(...pp.warnings);
    proxyCounts = pp.counts;
  }
  for (const e of errors) process.stderr.write(`error ${e.code}: ${e.message}\n`);
  for (const w of warnings) process.stderr.write(`warning ${w.code}: ${w.message}\n`);
  if (errors.length > 0) {
    process.stderr.write(`${opts.config}: ${errors.length} error(s), ${warnings.length} warning(s)\n`);
    return 1;
  }
  const sets = [...stack.providers.values()].map((p) => `${p.name}=${p.status().ruleCount}`);
  const pps = Object.entries(proxyCounts).map(([n, c]) => `${n}=${c}`);
  const subs = Object.keys(stack.config?.subRules ?? {}).length;
  process.stdout.write(
    `${opts.config}: OK — ${stack.engine?.rules.length ?? 0} rules${subs ? `, ${subs} sub-rule sets` : ''}, ${stack.providers.size} rule providers${sets.length ? ` (${sets.join(', ')})` : ''}` +
      `${pps.length ? `, ${pps.length} proxy providers (${pps.join(', ')})` : ''}, ${warnings.length} warning(s)\n`,
  );
  return 0;
}
