// `switchyard match` — placeholder until the rule engine lands (issue #2).
export async function matchCommand(_opts: Record<string, unknown>): Promise<number> {
  process.stderr.write('switchyard match: not built yet\n');
  return 1;
}
