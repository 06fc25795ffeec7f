#!/usr/bin/env node
// Usage: node memlab-analyze.mjs FILE
// Times memlab's full single-snapshot analysis: getFullHeapFromFile() = HeapParser parse + preparePathFinder()
// (annotateShortestPaths for every node, then calculateAllNodesRetainedSizes: dominators and retained sizes).
// The CLI runs the same loader for its single-snapshot plugins, e.g.:
//   npx memlab analyze object-size --snapshot FILE
// Prints one JSON line: {"tool":"memlab","file":...,"nodeCount":...,"totalMs":...}
import memlab from 'memlab';

const { config, getFullHeapFromFile } = memlab;

config.muteConsole = true; // memlab writes progress to stdout; keep stdout to the one result line

const file = process.argv[2];
if (!file || process.argv.length !== 3) {
  console.error('usage: node memlab-analyze.mjs FILE');
  process.exit(2);
}
try {
  const t0 = performance.now();
  const heap = await getFullHeapFromFile(file);
  const t1 = performance.now();
  const rootRetainedSize = heap.nodes.get(0).retainedSize; // node 0 is the snapshot root
  console.log(JSON.stringify({ tool: 'memlab', file, nodeCount: heap.nodes.length, rootRetainedSize, totalMs: Math.round(t1 - t0) }));
} catch (e) {
  console.error(`error: memlab could not analyze ${file}: ${e?.message ?? e}`);
  process.exitCode = 1;
}
