#!/usr/bin/env node
// Usage: node devtools-numbers.mjs FILE [--no-objects]
// Prints one JSON document with the numbers Chrome DevTools shows for FILE (Summary view, Statistics, and per
// object Shallow Size / Retained Size / Distance / dominator). Progress goes to stderr.
import { InputError, loadSnapshot, runMain } from './devtools-load.mjs';

async function main() {
  const args = process.argv.slice(2);
  const withObjects = !args.includes('--no-objects');
  const files = args.filter(a => !a.startsWith('--'));
  const unknown = args.filter(a => a.startsWith('--') && a !== '--no-objects');
  if (files.length !== 1 || unknown.length) {
    throw new InputError('usage: devtools-numbers.mjs FILE [--no-objects]');
  }
  const snapshot = await loadSnapshot(files[0], { rawSelfSizes: withObjects });

  // getStatistics() is the Statistics pie of the Summary view (JSHeapSnapshot.calculateStatistics). Every
  // per-type sum there uses the self sizes AFTER calculateShallowSizes() moved singly-owned hidden/array
  // stores into their owners.
  const s = snapshot.getStatistics();
  const statistics = {
    total: s.total,                       // totalSize = root's retainedSizes entry + header extra_native_bytes
    v8heap: s.v8heap.total,               // total - native
    native: s.native.total,               // 'native' nodes + extra_native_bytes
    code: s.v8heap.code,                  // 'code' nodes
    strings: s.v8heap.strings,            // 'string' + 'concatenated string' + 'sliced string' nodes
    jsArrays: s.v8heap.jsArrays,          // calculateArraySize(): nodes with raw name 'Array' + their 'elements' if it has one retainer
    typedArrays: s.native.typedArrays,    // native nodes named 'system / JSArrayBufferData'
    system: s.v8heap.system,              // 'hidden' nodes
  };

  // Summary view: aggregatesWithFilter(new NodeFilter()) -> getAggregatesByClassKey(false, 'allObjects'),
  // i.e. buildAggregates() + calculateClassesRetainedSize(), keyed by classKeyFromClassKeyInternal().
  const aggregates = snapshot.aggregatesWithFilter({});
  const summary = Object.entries(aggregates).map(([classKey, a]) => ({
    classKey,                  // ',' + class name, or 'scriptId,line,column,' + class name for 'object' nodes with a location
    className: a.name,         // node.className() of the first instance (interface name such as '{a, b}' for plain Objects)
    count: a.count,            // nodes of the class whose shallow size is non-zero
    shallowSize: a.self,       // sum of shallow sizes (post-transfer self_size)
    retainedSize: a.maxRet,    // sum of retainedSizes of instances with no same-class ancestor in the dominator tree
    distance: a.distance,      // min nodeDistances over the counted instances
  }));
  summary.sort((x, y) => (y.retainedSize - x.retainedSize) || (x.classKey < y.classKey ? -1 : x.classKey > y.classKey ? 1 : 0));

  const result = { nodeCount: snapshot.nodeCount, edgeCount: snapshot.containmentEdges.length / snapshot.edgeFieldsCount, statistics, summary };

  if (withObjects) {
    const objects = new Array(snapshot.nodeCount);
    const node = snapshot.createNode(0);
    const dominator = snapshot.createNode(0);
    for (let ordinal = 0; ordinal < snapshot.nodeCount; ordinal++) {
      node.nodeIndex = ordinal * snapshot.nodeFieldCount;
      dominator.nodeIndex = node.dominatorIndex();
      objects[ordinal] = {
        id: node.id(),                                  // raw 'id' field
        ordinal,                                        // position in the nodes array
        classKey: snapshot.classKeyFromClassKeyInternal(node.classKeyInternal()), // Summary group this node falls in
        className: node.className(),                    // strings[classIndex] set by calculateObjectNames / applyInterfaceDefinitions
        type: node.type(),                              // nodeTypes[raw 'type']
        name: node.name(),                              // JSHeapSnapshotNode.name(): cons strings joined, plain Objects as '{a, b}'
        selfSize: snapshot.rawSelfSizes[ordinal],       // raw 'self_size', copied before calculateShallowSizes()
        shallowSize: node.selfSize(),                   // Shallow Size column: 'self_size' after calculateShallowSizes()
        retainedSize: node.retainedSize(),              // retainedSizes[ordinal] (Lengauer-Tarjan, post-transfer self sizes)
        distance: node.distance(),                      // nodeDistances[ordinal] (-5 = unreachable, >= 100000000 = system)
        dominatorId: dominator.id(),                    // dominatorsTree[ordinal]; the root dominates itself
      };
    }
    result.objects = objects;
  }

  await writeStdout(JSON.stringify(result));
}

function writeStdout(text) {
  return new Promise((resolve, reject) => process.stdout.write(text + '\n', e => (e ? reject(e) : resolve())));
}

runMain(main);
