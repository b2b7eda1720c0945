// The `switchyard` command. Each subcommand lives in main/commands/<name>.ts
// and is loaded only when used, so `switchyard match` does not load the data plane.
import { Command, CommanderError } from 'commander';
import { isSyError } from './core/errors.js';

export async function main(argv: string[]): Promise<number> {
  const program = new Command('switchyard')
    .description('rule-based transparent proxy for Linux')
    .exitOverride()
    .showHelpAfterError();
  let code = 0;
  const set = (c: number) => {
    code = c;
  };

  program
    .command('run')
    .description('run the core (capture, proxy, DNS, controller)')
    .option('--config <file>', 'config file (default: $XDG_CONFIG_HOME/switchyard/config.yaml, else rules/default.yaml)')
    .option('--capture', 'install TPROXY capture even if the config does not enable it')
    .option('--no-capture', 'never install capture')
    .action(async (opts) => set(await (await import('./commands/run.js')).runCommand(opts)));

  program
    .command('check')
    .description('validate a config and its rule providers')
    .requiredOption('--config <file>', 'config file')
    .action(async (opts) => set(await (await import('./commands/check.js')).checkCommand(opts)));

  program
    .command('match')
    .description('print the decision for one connection (or a batch) as JSON')
    .requiredOption('--config <file>', 'config file')
    .option('--host <host>', 'destination host')
    .option('--ip <ip>', 'destination IP')
    .option('--port <n>', 'destination port', '443')
    .option('--network <tcp|udp>', 'network', 'tcp')
    .option('--src <ip>', 'source IP')
    .option('--src-port <n>', 'source port')
    .option('--resolve <ip>', 'what DNS answers if the engine must resolve the host')
    .option('--batch <file>', 'read one JSON query per line (- for stdin)')
    .option('--stats', 'print compile time and decisions per second on stderr')
    .action(async (opts) => set(await (await import('./commands/match.js')).matchCommand(opts)));

  const capture = program.command('capture').description('capture state left by any run');
  capture
    .command('status')
    .description('show installed nftables table, ip rules and routes')
    .action(async () => set(await (await import('./commands/capture.js')).captureStatusCommand()));
  capture
    .command('clean')
    .description('remove capture state left by any earlier run')
    .action(async () => set(await (await import('./commands/capture.js')).captureCleanCommand()));

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (isSyError(e)) {
      process.stderr.write(`switchyard: ${e.code}: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  return code;
}
