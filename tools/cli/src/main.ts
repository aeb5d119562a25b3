import { Command, CommanderError, InvalidArgumentError } from "commander";
import { CliError, EXIT } from "./cli-error.js";
import type { CliIo } from "./cli-io.js";
import { resolveConnection, type ConnectionOptions } from "./connection.js";
import { checkLineupFile } from "./commands/lineup-check.js";
import { lineupScanCommand } from "./commands/lineup-scan.js";
import {
  channelStopCommand,
  channelsCommand,
  eventsCommand,
  sessionTerminateCommand,
  sessionsCommand,
} from "./commands/server-commands.js";
import { renderTable } from "./table.js";

interface GlobalOptions extends ConnectionOptions {
  readonly json?: boolean;
}

function nonNegativeInt(text: string): number {
  if (!/^\d{1,12}$/.test(text)) throw new InvalidArgumentError("must be a non-negative integer.");
  return Number(text);
}

/** Builds the `retrovue` program; `setExit` records the exit code a command asks for. */
function buildProgram(io: CliIo, setExit: (code: number) => void): Command {
  const program = new Command("retrovue")
    .description("Operate a RetroVue Core server: channels, viewer sessions, the audit feed, lineups.")
    .option("--server <url>", "server URL (env RETROVUE_URL; default http://$RETROVUE_HOST:$RETROVUE_PORT, i.e. http://127.0.0.1:8000)")
    .option("--admin-token <token>", "operator token (env RETROVUE_ADMIN_TOKEN; default: <data dir>/admin-token)")
    .option("--data-dir <dir>", "the server's data dir, for its admin-token file (env RETROVUE_DATA_DIR; default ./data)")
    .option("--json", "print JSON for scripts instead of tables")
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err });
  program.addHelpText("after", "\nExit codes: 0 ok, 1 the command found a problem (lineup problems, an error answer, skipped files), 2 usage, 3 server unreachable or ffprobe missing, 4 admin token missing or refused.");

  const globals = (cmd: Command): GlobalOptions => cmd.optsWithGlobals<GlobalOptions>();
  const connection = (cmd: Command) => resolveConnection(globals(cmd), io.env, io.cwd);
  const mode = (cmd: Command) => ({ json: globals(cmd).json === true });

  program
    .command("channels")
    .description("every channel: state, boundary state, viewers, teardown, restarts")
    .action(async (_opts, cmd: Command) => channelsCommand(connection(cmd), io, mode(cmd)));

  const channel = program.command("channel").description("act on one channel");
  channel
    .command("stop <n>")
    .description("stop channel N through the teardown gate (waits for a stable state, at most the grace)")
    .action(async (n: string, _opts, cmd: Command) => channelStopCommand(connection(cmd), io, mode(cmd), n));

  program
    .command("sessions")
    .description("viewer sessions, newest first")
    .option("--state <state>", "live | terminated | all (server default: all)")
    .option("--owner <owner>", "only this owner, e.g. client:127.0.0.1")
    .option("--reason <reason>", "only sessions terminated for this reason")
    .option("--limit <n>", "at most this many (server default 50)")
    .action(async (opts: { state?: string; owner?: string; reason?: string; limit?: string }, cmd: Command) =>
      sessionsCommand(connection(cmd), io, mode(cmd), opts),
    );

  const session = program.command("session").description("act on one viewer session");
  session
    .command("terminate <id>")
    .description("terminate a session (admin_terminated; repeating it keeps the first reason)")
    .action(async (id: string, _opts, cmd: Command) => sessionTerminateCommand(connection(cmd), io, mode(cmd), id));

  program
    .command("events")
    .description("the session audit feed (created, extended, terminated), oldest first")
    .option("-f, --follow", "keep polling for new events until Ctrl-C")
    .option("--after-seq <n>", "start after this sequence number", nonNegativeInt, 0)
    .option("--interval-ms <ms>", "poll interval with --follow", nonNegativeInt, 1000)
    .action(async (opts: { follow?: boolean; afterSeq: number; intervalMs: number }, cmd: Command) =>
      eventsCommand(connection(cmd), io, mode(cmd), { follow: opts.follow === true, afterSeq: opts.afterSeq, intervalMs: Math.max(100, opts.intervalMs) }),
    );

  const lineup = program.command("lineup").description("check or generate lineup files (no server needed)");
  lineup
    .command("check <file>")
    .description("validate a lineup as the server would: every problem at once (exit 1 if any)")
    .action((file: string, _opts, cmd: Command) => {
      const result = checkLineupFile(file.startsWith("/") ? file : `${io.cwd}/${file}`);
      if (mode(cmd).json) io.out(`${JSON.stringify({ file: result.file, ok: result.problems.length === 0, problems: result.problems }, null, 2)}\n`);
      else if (result.problems.length === 0) {
        const items = result.lineup?.channels.reduce((n, c) => n + c.playlist.length, 0) ?? 0;
        io.out(`${result.file}: ok (${result.lineup?.channels.length ?? 0} channels, ${items} items)\n`);
      } else {
        io.out(`${result.file}: ${result.problems.length} problem(s)\n`);
        io.out(renderTable(["location", "problem"], result.problems.map((p) => [p.location, p.message])));
      }
      if (result.problems.length > 0) setExit(EXIT.failed);
    });
  lineup
    .command("scan <dir>")
    .description("probe every file under DIR with ffprobe and write a lineup (a channel per sub-folder) to edit")
    .option("-o, --out <file>", "where to write it (- = stdout; default <dir>/lineup.json)")
    .option("--force", "overwrite an existing file")
    .option("--anchor <iso>", "schedule anchor, ISO UTC (default: today 00:00Z)")
    .action(async (dir: string, opts: { out?: string; force?: boolean; anchor?: string }, cmd: Command) => {
      const code = await lineupScanCommand(dir, { ...opts, force: opts.force === true, json: mode(cmd).json }, io);
      setExit(code);
    });
  return program;
}

/**
 * Runs `retrovue` with `argv` (without node and the script) and returns the exit code.
 * Errors are printed as one line (`retrovue: …`), never a stack trace.
 */
export async function runCli(
  argv: readonly string[],
  options: { readonly env: Readonly<Record<string, string | undefined>>; readonly cwd?: string; readonly io?: Partial<CliIo> },
): Promise<number> {
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  const io: CliIo = {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    env: options.env,
    // Under pnpm the script runs in the package dir; INIT_CWD is where the user typed the command.
    cwd: options.cwd ?? options.env["INIT_CWD"] ?? process.cwd(),
    signal: controller.signal,
    ...options.io,
  };
  let exitCode: number = EXIT.ok;
  try {
    // pnpm passes a literal "--" through (`pnpm retrovue -- channels`): drop it.
    const args = argv[0] === "--" ? argv.slice(1) : [...argv];
    await buildProgram(io, (code) => (exitCode = code)).parseAsync(args, { from: "user" });
    return exitCode;
  } catch (error) {
    if (error instanceof CliError) {
      io.err(`retrovue: ${error.message}\n`);
      return error.exitCode;
    }
    if (error instanceof CommanderError) {
      // Help and version exit 0; every parsing error is a usage error (commander printed it).
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    io.err(`retrovue: ${(error as Error).message}\n`);
    return EXIT.failed;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
