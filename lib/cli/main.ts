#!/usr/bin/env node
// `npx kestra-constructs <command>`: one table of subcommands, so a new one is added in one place.
import { rbacCommand } from './rbac-command';
import { reportCommand } from './report-command';

/** Where a command writes. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

/** A subcommand: parses its own arguments and returns the process exit code. */
export interface CliCommand {
  /** One line for the usage text. */
  readonly usage: string;
  run(args: readonly string[], io: CliIo): Promise<number> | number;
}

const COMMANDS: Readonly<Record<string, CliCommand>> = {
  report: reportCommand,
  rbac: rbacCommand,
};

const PROCESS_IO: CliIo = { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) };

/** Runs `kestra-constructs <command> [args]`; returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIo = PROCESS_IO): Promise<number> {
  const [name, ...args] = argv;
  const command = name === undefined ? undefined : COMMANDS[name];
  if (!command) {
    const usage = Object.values(COMMANDS).map((c) => `  kestra-constructs ${c.usage}`).join('\n');
    io.err(`${name === undefined || name === '--help' ? '' : `unknown command "${name}"\n`}usage:\n${usage}\n`);
    return name === '--help' ? 0 : 2;
  }
  try {
    return await command.run(args, io);
  } catch (err) {
    io.err(`kestra-constructs ${name}: ${(err as Error).message}\n`);
    return 1;
  }
}

if (require.main === module) {
  void runCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
