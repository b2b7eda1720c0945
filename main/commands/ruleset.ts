// `switchyard ruleset convert IN OUT [--behavior domain|ipcidr|classical] [--format text|yaml|mrs]`:
// converts a rule set between text, yaml and mihomo's .mrs in every direction.
// The input's format is read from its content; the output's from --format,
// else OUT's extension (.mrs, .yaml/.yml, anything else text). OUT is written
// atomically. Exit 0 on success (warnings for skipped entries), 1 on error.
import { readFile, rename, writeFile } from 'node:fs/promises';
import { SyError } from '../core/errors.js';
import { convertRuleSet, type SetBehavior, type SetFormat } from '../providers/mrs/convert.js';

export interface ConvertOpts {
  behavior?: string;
  format?: string;
}

const FORMATS = ['text', 'yaml', 'mrs'];
const BEHAVIORS = ['domain', 'ipcidr', 'classical'];

export function outputFormat(out: string, format?: string): SetFormat {
  if (format) {
    if (!FORMATS.includes(format)) throw new SyError('SY_ERR_PROVIDER_CONVERT', { where: '--format', value: format, expected: 'text, yaml or mrs' });
    return format as SetFormat;
  }
  if (/\.mrs$/i.test(out)) return 'mrs';
  if (/\.ya?ml$/i.test(out)) return 'yaml';
  return 'text';
}

export async function rulesetConvertCommand(input: string, output: string, opts: ConvertOpts): Promise<number> {
  if (opts.behavior && !BEHAVIORS.includes(opts.behavior)) {
    throw new SyError('SY_ERR_PROVIDER_CONVERT', { where: '--behavior', value: opts.behavior, expected: 'domain, ipcidr or classical' });
  }
  const to = outputFormat(output, opts.format);
  let data: Buffer;
  try {
    data = await readFile(input);
  } catch (cause) {
    throw new SyError('SY_ERR_PROVIDER_READ', { where: input, cause });
  }
  const r = convertRuleSet({ data, where: input, behavior: opts.behavior as SetBehavior | undefined, to });
  for (const w of r.warnings) process.stderr.write(`warning ${w.code}: ${w.message}\n`);
  const tmp = `${output}.${process.pid}.tmp`;
  await writeFile(tmp, r.data);
  await rename(tmp, output);
  process.stdout.write(`${input} (${r.from}, ${r.behavior}) -> ${output} (${to}): ${r.entries} entries, ${r.data.length} bytes\n`);
  return 0;
}
