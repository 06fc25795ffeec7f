#!/usr/bin/env node
// Usage: node devtools-diff.mjs BASE TARGET
// Prints the DevTools Comparison view of TARGET against BASE as one JSON document. Progress goes to stderr.
//
// Same calls as DevTools' HeapSnapshotDiffDataGrid.populateChildren():
//   interfaceDefinitions = target.interfaceDefinitions()
//   aggregatesForDiff    = base.aggregatesForDiff(interfaceDefinitions)
//   diffByClassKey       = target.calculateSnapshotDiff(base.uid, aggregatesForDiff)
// Note: heap-snapshot-toolkit's diff() passes the BASE snapshot's own interface definitions instead, so plain
// Objects can be grouped differently from DevTools when the two snapshots infer different shapes; this script
// follows DevTools.
import { InputError, loadSnapshot, runMain } from './devtools-load.mjs';

async function main() {
  const files = process.argv.slice(2);
  if (files.length !== 2 || files.some(f => f.startsWith('--'))) {
    throw new InputError('usage: devtools-diff.mjs BASE TARGET');
  }
  const base = await loadSnapshot(files[0]);
  const target = await loadSnapshot(files[1]);

  const interfaceDefinitions = await target.interfaceDefinitions();
  const aggregatesForDiff = await base.aggregatesForDiff(interfaceDefinitions);
  const diffByClassKey = await target.calculateSnapshotDiff(base.uid ?? 'base', aggregatesForDiff);

  // calculateDiffForClass() matches node ids class by class (ids sorted ascending on both sides) and returns
  // null for classes with no added and no removed object, so every entry here has a change.
  const classes = Object.entries(diffByClassKey).map(([classKey, d]) => ({
    classKey,                    // same key format as the Summary's classKey (classKeyFromClassKeyInternal)
    className: d.name,           // target aggregate's name, or the base's for classes gone from the target
    newCount: d.addedCount,      // ids in TARGET's class and not in BASE's class (shallow size > 0 only)
    deletedCount: d.removedCount,// ids in BASE's class and not in TARGET's class
    countDelta: d.countDelta,    // newCount - deletedCount
    allocSize: d.addedSize,      // sum of TARGET shallow sizes (post-transfer self_size) of the new objects
    freedSize: d.removedSize,    // sum of BASE shallow sizes of the deleted objects
    sizeDelta: d.sizeDelta,      // allocSize - freedSize
  }));
  classes.sort((x, y) => (Math.abs(y.sizeDelta) - Math.abs(x.sizeDelta)) || (x.classKey < y.classKey ? -1 : x.classKey > y.classKey ? 1 : 0));

  await new Promise((resolve, reject) =>
    process.stdout.write(JSON.stringify({ classes }) + '\n', e => (e ? reject(e) : resolve())));
}

runMain(main);
