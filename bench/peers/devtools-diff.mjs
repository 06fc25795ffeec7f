#!/usr/bin/env node
// Usage: node devtools-diff.mjs BASE TARGET
// Times the Chrome DevTools Comparison view: load both snapshots (full analysis, as DevTools does), then
// target.interfaceDefinitions() -> base.aggregatesForDiff() -> target.calculateSnapshotDiff().
// Prints one JSON line: {"tool":"devtools-diff",...,"loadMs":...,"diffMs":...,"totalMs":...}
import { createReadStream } from 'node:fs';
import { parse } from 'heap-snapshot-toolkit';

const [baseFile, targetFile] = process.argv.slice(2);
if (!baseFile || !targetFile || process.argv.length !== 4) {
  console.error('usage: node devtools-diff.mjs BASE TARGET');
  process.exit(2);
}
try {
  const t0 = performance.now();
  const base = await parse(createReadStream(baseFile, 'utf8'));
  const target = await parse(createReadStream(targetFile, 'utf8'));
  const t1 = performance.now();
  const interfaceDefinitions = await target.interfaceDefinitions();
  const aggregatesForDiff = await base.aggregatesForDiff(interfaceDefinitions);
  const diff = await target.calculateSnapshotDiff('base', aggregatesForDiff);
  const t2 = performance.now();
  console.log(JSON.stringify({
    tool: 'devtools-diff', base: baseFile, target: targetFile, changedClasses: Object.keys(diff).length,
    loadMs: Math.round(t1 - t0), diffMs: Math.round(t2 - t1), totalMs: Math.round(t2 - t0),
  }));
} catch (e) {
  console.error(`error: DevTools could not compare ${baseFile} and ${targetFile}: ${e?.message ?? e}`);
  process.exitCode = 1;
}
