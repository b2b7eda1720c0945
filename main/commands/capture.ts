// `switchyard capture status|clean` — placeholder until capture lands (issue #3).
export async function captureStatusCommand(): Promise<number> {
  process.stderr.write('switchyard capture status: not built yet\n');
  return 1;
}
export async function captureCleanCommand(): Promise<number> {
  process.stderr.write('switchyard capture clean: not built yet\n');
  return 1;
}
