// The real CommandRunner: child_process.execFile (no shell), bounded time and
// output; a missing program answers code 127 instead of throwing.
import { execFile } from 'node:child_process';
import type { CommandRunner } from './types.js';

export function execRunner(baseEnv: NodeJS.ProcessEnv = process.env, timeoutMs = 10_000): CommandRunner {
  return (file, args, env) =>
    new Promise((resolve) => {
      execFile(file, [...args], { env: { ...baseEnv, ...env }, timeout: timeoutMs, maxBuffer: 1 << 20, encoding: 'utf8' }, (err, stdout, stderr) => {
        if (!err) return resolve({ code: 0, stdout, stderr });
        const e = err as NodeJS.ErrnoException & { code?: number | string };
        if (e.code === 'ENOENT') return resolve({ code: 127, stdout: '', stderr: `${file}: not found` });
        resolve({ code: typeof e.code === 'number' ? e.code : 1, stdout: stdout ?? '', stderr: stderr || e.message });
      });
    });
}
