#!/usr/bin/env node
// Committed entry (dist/ is built later): pnpm links the bin at install without a warning.
import { runCli } from "../dist/main.js";

process.exitCode = await runCli(process.argv.slice(2), { env: process.env });
