#!/usr/bin/env node
// The `heapdog` command of the npm package: runs the native binary from the platform package that npm installed
// (@heapdog/<os>-<cpu>, one of this package's optionalDependencies, each with `os`/`cpu` fields so npm installs only the
// one that fits), passing the arguments, stdio, exit code and signal through.
'use strict';

const { spawn } = require('child_process');

const platform = `${process.platform}-${process.arch}`;
const platformPackage = `@heapdog/${platform}`;

let binary;
try {
  binary = require.resolve(`${platformPackage}/bin/heapdog`);
} catch {
  console.error(`heapdog: no binary for ${platform}: the package ${platformPackage} is not installed (npm leaves it out when ` +
    'optional dependencies are omitted, --omit=optional, and heapdog has builds for linux-x64 and linux-arm64 only).');
  process.exit(1);
}

const child = spawn(binary, process.argv.slice(2), { stdio: 'inherit' });

// Ctrl-C reaches heapdog itself (the terminal signals the whole foreground process group), and heapdog ends at once on
// a second SIGINT, so the launcher only outlives it. SIGTERM and SIGHUP are usually sent to this process alone: passed on.
const forwarded = { SIGINT: false, SIGTERM: true, SIGHUP: true };
const handlers = {};
for (const [signal, forward] of Object.entries(forwarded)) {
  handlers[signal] = () => { if (forward) child.kill(signal); };
  process.on(signal, handlers[signal]);
}

child.on('error', (error) => {
  console.error(`heapdog: cannot start ${binary}: ${error.message}`);
  process.exit(1);
});

child.on('exit', (code, signal) => {
  if (signal) {
    // Die of the same signal, so whoever started heapdog sees what happened to it.
    for (const [name, handler] of Object.entries(handlers)) process.removeListener(name, handler);
    process.kill(process.pid, signal);
    return;
  }
  process.exit(code ?? 1);
});
