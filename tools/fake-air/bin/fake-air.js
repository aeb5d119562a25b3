#!/usr/bin/env node
// Committed entry (dist/ is built later): pnpm links the bin at install without
// "Failed to create bin" warnings.
import "../dist/cli.js";
