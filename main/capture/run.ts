// The command runner the installer is given (dependency-injected so tests
// can run the same installer inside a network namespace).
import { spawn } from 'node:child_process';
import { SyError } from '../core/errors.js';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `cmd args` with optional stdin; resolves with the exit code (never rejects on exit != 0). */
export type RunCommand = (cmd: string, args: readonly string[], stdin?: string) => Promise<CommandResult>;

const HINT: Record<string, string> = {
  nft: 'install nftables (Debian: apt-get install nftables)',
  ip: 'install iproute2',
  sysctl: 'install procps',
};

/**
 * The real runner: spawns the command, with a timeout. A missing binary
 * rejects with SY_ERR_CAPTURE_COMMAND naming the package to install.
 */
export function createCommandRunner(opts: { timeoutMs?: number; prefix?: readonly string[] } = {}): RunCommand {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const prefix = opts.prefix ?? [];
  return (cmd, args, stdin) =>
    new Promise((resolve, reject) => {
      const argv = [...prefix, cmd, ...args];
      const child = spawn(argv[0]!, argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      child.on('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        const detail = e.code === 'ENOENT' ? `${argv[0]} not found: ${HINT[argv[0]!] ?? 'install it'}` : e.message;
        reject(new SyError('SY_ERR_CAPTURE_COMMAND', { where: argv.join(' '), detail, cause: e }));
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        resolve({ code: code ?? 128, stdout, stderr: signal ? `${stderr}killed by ${signal} (timeout ${timeoutMs} ms)` : stderr });
      });
      child.stdin.on('error', () => {}); // EPIPE when the command exits early
      child.stdin.end(stdin ?? '');
    });
}
