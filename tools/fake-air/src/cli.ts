#!/usr/bin/env node
// The fake-air process: like the real engine it takes `--address 127.0.0.1:PORT` and has no
// signal handler, so SIGTERM/SIGINT end it at once. A `crash` fault exits with code 1.
import { CliArgsError, FAKE_AIR_USAGE, parseFakeAirArgs } from "./cli-args.js";
import { startControlServer } from "./control-server.js";
import { startFakeAir } from "./fake-air.js";

async function main(): Promise<void> {
  let args;
  try {
    args = parseFakeAirArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof CliArgsError)) throw error;
    process.stderr.write(`fake-air: ${error.message}\n${FAKE_AIR_USAGE}\n`);
    process.exit(2);
  }
  const air = await startFakeAir({ ...args.options, onCrashFault: () => process.exit(1) });
  process.stdout.write(`FAKE_AIR_LISTENING ${air.address}\n`);
  if (args.controlPort !== undefined) {
    const host = args.options.host ?? "127.0.0.1";
    const control = await startControlServer(air, { host, port: args.controlPort });
    process.stdout.write(`FAKE_AIR_CONTROL ${control.address}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`fake-air: ${(error as Error).message}\n`);
  process.exit(1);
});
