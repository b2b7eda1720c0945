// The `switchyard` command. Each subcommand lives in main/commands/<name>.ts
// and is loaded only when used, so `switchyard match` does not load the data plane.
import { Command, CommanderError } from 'commander';
import { isSyError } from './core/errors.js';
import { beforeModules } from './commands/lean-start.js';

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
    .action(async (opts) => {
      beforeModules(); // less idle RSS: commands/lean-start.ts
      set(await (await import('./commands/run.js')).runCommand(opts));
    });

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

  const profile = program.command('profile').description('profiles: whole configs from a subscription URL or a file');
  profile
    .command('list')
    .description('list profiles (* = active)')
    .option('--json', 'print JSON instead of a table')
    .action(async (opts) => set(await (await import('./commands/profile.js')).profileListCommand(opts)));
  profile
    .command('add <url-or-file>')
    .description('import a profile from a subscription URL or a config file')
    .option('--name <name>', 'display name (default: from the server or the file name)')
    .option('--interval <seconds>', 'auto-update interval in seconds (0 = manual)')
    .action(async (src, opts) => set(await (await import('./commands/profile.js')).profileAddCommand(src, opts)));
  profile
    .command('update <id-or-name>')
    .description('download the profile again (a failed update keeps the working one)')
    .action(async (ref) => set(await (await import('./commands/profile.js')).profileUpdateCommand(ref)));
  profile
    .command('use <id-or-name>')
    .description('make the profile the one `switchyard run` starts with')
    .action(async (ref) => set(await (await import('./commands/profile.js')).profileUseCommand(ref)));
  profile
    .command('remove <id-or-name>')
    .description('delete a profile (not the active one)')
    .action(async (ref) => set(await (await import('./commands/profile.js')).profileRemoveCommand(ref)));

  const sysproxy = program.command('sysproxy').description("the desktop's system proxy at the mixed port (no privileges needed)");
  sysproxy
    .command('on')
    .description('point GNOME/KDE proxy settings at the mixed port (previous settings saved first)')
    .option('--port <n>', 'mixed port', '7890')
    .option('--desktop <gnome|kde|auto>', 'desktop to configure', 'auto')
    .action(async (opts) => set(await (await import('./commands/sysproxy.js')).sysproxyCommand('on', opts)));
  sysproxy
    .command('off')
    .description('restore exactly the proxy settings saved by `on`')
    .option('--desktop <gnome|kde|auto>', 'desktop to configure', 'auto')
    .action(async (opts) => set(await (await import('./commands/sysproxy.js')).sysproxyCommand('off', opts)));
  sysproxy
    .command('status')
    .description('whether the system proxy is switched on by switchyard')
    .action(async (opts) => set(await (await import('./commands/sysproxy.js')).sysproxyCommand('status', opts)));

  const ruleset = program.command('ruleset').description('rule sets: convert between text, yaml and mihomo .mrs');
  ruleset
    .command('convert <in> <out>')
    .description("convert a rule set (input format read from its content; output from --format or OUT's extension)")
    .option('--behavior <b>', 'domain | ipcidr | classical (when the content cannot tell)')
    .option('--format <f>', 'output format: text | yaml | mrs')
    .action(async (inp, out, opts) => set(await (await import('./commands/ruleset.js')).rulesetConvertCommand(inp, out, opts)));

  const geo = program.command('geo').description('GeoSite data for GEOSITE rules and DNS geosite: keys');
  geo
    .command('update')
    .description('download GeoSite.dat (and the ASN database when the rules use IP-ASN) from geox-url, through the outbound the config routes it to (validated, atomic; the last good copy stays on failure)')
    .option('--config <file>', 'config file (its geox-url, its rules, and where the data goes)')
    .option('--url <url>', 'download GeoSite.dat from this URL instead')
    .option('--asn', 'also the ASN database (geox-url.asn) even when no rule uses it')
    .action(async (opts) => set(await (await import('./commands/geo.js')).geoUpdateCommand(opts)));

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
