'use strict';
// Shared by the leak programs: runs `round(r)` for r = 1..3 and writes one heap snapshot after each round.
// Usage: node PROGRAM.js OUT_DIR            -> OUT_DIR/s1.heapsnapshot .. s3.heapsnapshot via v8.writeHeapSnapshot()
//        node --heapsnapshot-signal=SIGUSR2 --diagnostic-dir=OUT_DIR PROGRAM.js OUT_DIR --signal
//                                           -> prints "ready <r>" after each round and waits for a line on stdin;
//                                              the snapshots come from the signal, sent by whoever runs it.
const v8 = require('node:v8');
const path = require('node:path');
const readline = require('node:readline');

const ROUNDS = 3;

exports.run = async function run(round) {
  const [outDir, mode] = process.argv.slice(2);
  if (!outDir) {
    console.error('usage: node PROGRAM.js OUT_DIR [--signal]');
    process.exit(2);
  }
  const lines = mode === '--signal' ? readline.createInterface({ input: process.stdin })[Symbol.asyncIterator]() : null;
  for (let r = 1; r <= ROUNDS; r++) {
    await round(r);
    await new Promise(resolve => setImmediate(resolve));
    if (lines) {
      process.stdout.write(`ready ${r}\n`);
      await lines.next();
    } else {
      v8.writeHeapSnapshot(path.join(outDir, `s${r}.heapsnapshot`));
    }
  }
  process.exit(0);
};
