#!/usr/bin/env node
import { main } from './main.js';

// exitCode rather than exit() so buffered output still reaches a pipe before the process ends.
process.exitCode = await main(process.argv.slice(2));
