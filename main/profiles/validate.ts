// A candidate profile gets the same checks as `switchyard check`: the config
// loaded with the rule validator, every rule provider loaded, the rules
// compiled. The candidate is written next to the real files (so relative
// provider paths resolve the same) and always removed afterwards.
import { SyError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { buildRuleStack } from '../providers/rule-stack.js';
import { removeFiles, writeAtomic, type ProfilePaths } from './store.js';

/** A located error of a check, as the API and index.json carry it. */
export interface CheckError {
  code: string;
  message: string;
}

/** Located errors of the candidate text (empty = valid), worded against `shownAs` (the effective file's name). */
export async function checkCandidate(paths: ProfilePaths, id: string, text: string, logger: Logger, shownAs: string): Promise<CheckError[]> {
  if (text.trim() === '') return [new SyError('SY_ERR_PROFILE_EMPTY', { where: shownAs }).toJSON()];
  const file = paths.candidate(id);
  await writeAtomic(file, text, paths.dir);
  try {
    const stack = await buildRuleStack(file, logger);
    return stack.errors.map((e) => ({ code: e.code, message: e.message.split(file).join(shownAs) }));
  } finally {
    await removeFiles([file]);
  }
}

/** One error that carries all located errors of a failed check (first 10 shown). */
export function invalidProfile(where: string, errors: readonly CheckError[]): SyError {
  const shown = errors.slice(0, 10).map((e) => `${e.code}: ${e.message}`);
  if (errors.length > 10) shown.push(`… and ${errors.length - 10} more`);
  return new SyError('SY_ERR_PROFILE_INVALID', { where, detail: `${errors.length} error(s):\n  ${shown.join('\n  ')}`, errors: [...errors] });
}
