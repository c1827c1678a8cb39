// The clipforge command: dispatches to subcommands, turns errors into messages and exit codes.
import './quietWarnings.ts';
import { runCommand, RUN_USAGE } from './runCommand.ts';
import { EDIT_USAGE, editCommand } from './editCommand.ts';
import { SERVE_USAGE, serveCommand } from './serveCommand.ts';
import { TRACK_USAGE, trackCommand } from './trackCommand.ts';
import { UsageError } from './usageError.ts';

const USAGE = `clipforge — long video in, ranked vertical captioned clips out

${RUN_USAGE}
${EDIT_USAGE}
${SERVE_USAGE}
${TRACK_USAGE}`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'run':
        return await runCommand(rest);
      case 'edit':
        return await editCommand(rest);
      case 'serve':
        return await serveCommand(rest);
      case 'track':
        return await trackCommand(rest);
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        process.stdout.write(`${USAGE}\n`);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}"\n${USAGE}`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`clipforge: ${err.message}\n`);
      return 2;
    }
    process.stderr.write(`clipforge: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 1;
  }
}
