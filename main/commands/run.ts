// `switchyard run` — placeholder until the engine lands (issue #3).
export async function runCommand(_opts: { config?: string; capture?: boolean }): Promise<number> {
  process.stderr.write('switchyard run: the engine is not built yet\n');
  return 1;
}
