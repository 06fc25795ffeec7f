#!/usr/bin/env node
// Usage: node devtools-analyze.mjs FILE
// Times Chrome DevTools' full single-snapshot analysis, as the Memory panel runs it when a snapshot is opened:
// HeapSnapshotLoader parse + JSHeapSnapshot.initialize() (shallow-size transfer, distances, class names,
// dominators and retained sizes, statistics), then the Summary view's aggregates.
// Prints one JSON line: {"tool":"devtools","file":...,"nodeCount":...,"parseAndBuildMs":...,"summaryMs":...,"totalMs":...}
import { createReadStream } from 'node:fs';
import { parse } from 'heap-snapshot-toolkit';

const file = process.argv[2];
if (!file || process.argv.length !== 3) {
  console.error('usage: node devtools-analyze.mjs FILE');
  process.exit(2);
}
try {
  const t0 = performance.now();
  const snapshot = await parse(createReadStream(file, 'utf8'));
  const t1 = performance.now();
  const aggregates = snapshot.aggregatesWithFilter({});
  const statistics = snapshot.getStatistics();
  const t2 = performance.now();
  console.log(JSON.stringify({
    tool: 'devtools', file, nodeCount: snapshot.nodeCount, classes: Object.keys(aggregates).length, totalSize: statistics.total,
    parseAndBuildMs: Math.round(t1 - t0), summaryMs: Math.round(t2 - t1), totalMs: Math.round(t2 - t0),
  }));
} catch (e) {
  console.error(`error: DevTools could not analyze ${file}: ${e?.message ?? e}`);
  process.exitCode = 1;
}
