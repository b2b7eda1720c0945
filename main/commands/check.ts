// `switchyard check` — placeholder until config and rules land (issue #2).
export async function checkCommand(_opts: { config: string }): Promise<number> {
  process.stderr.write('switchyard check: not built yet\n');
  return 1;
}
