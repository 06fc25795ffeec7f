// Loads a .heapsnapshot with the Chrome DevTools heap snapshot worker (bundled by heap-snapshot-toolkit) in-process,
// exactly as the DevTools Memory panel does: HeapSnapshotLoader parses, JSHeapSnapshot.initialize() computes
// shallow-size transfer, distances, class names, dominators, retained sizes and statistics.
import { createReadStream, openSync, readSync, closeSync } from 'node:fs';
import { Readable } from 'node:stream';
import { DevToolsAPI } from 'heap-snapshot-toolkit';

const { HeapSnapshotLoader: { HeapSnapshotLoader }, SecondaryInitManager } = DevToolsAPI;

export class InputError extends Error {}

// Progress goes to stderr, one line per phase (the worker also reports percentages; those are collapsed).
function progressDispatcher(quiet) {
  let lastTemplate = '';
  return {
    sendEvent(_event, serialized) {
      if (quiet) return;
      let text = serialized;
      try {
        const parsed = JSON.parse(serialized);
        text = parsed.string ?? serialized;
      } catch { /* plain text */ }
      if (text !== lastTemplate) {
        lastTemplate = text;
        process.stderr.write(`devtools: ${text.replace('{PH1}%', '').trim()}\n`);
      }
    },
  };
}

// Same steps as heap-snapshot-toolkit's parse(): both "worker threads" of DevTools run in this thread,
// linked by a MessageChannel.
async function build(stream, quiet) {
  const loader = new HeapSnapshotLoader(progressDispatcher(quiet));
  // The loader's parse promise can reject before anyone awaits it (malformed JSON); keep Node from
  // treating that as an unhandled rejection and report it below instead.
  loader.parsingComplete.catch(() => {});
  await new Promise((resolve, reject) => {
    stream.on('error', reject);
    stream.on('end', resolve);
    stream.on('data', chunk => loader.write(chunk));
  });
  loader.close();
  await loader.parsingComplete;
  const channel = new MessageChannel();
  try {
    new SecondaryInitManager(channel.port2);
    return await loader.buildSnapshot(channel.port1);
  } finally {
    channel.port1.close();
    channel.port2.close();
  }
}

// JSHeapSnapshot is not exported by the bundle. Build a one-node snapshot to reach its prototype, so that the
// raw self_size column can be copied just before calculateShallowSizes() overwrites it in place.
let rawSizesHookInstalled = false;
async function installRawSelfSizeHook() {
  if (rawSizesHookInstalled) return;
  const tiny = JSON.stringify({
    snapshot: {
      meta: {
        node_fields: ['type', 'name', 'id', 'self_size', 'edge_count', 'trace_node_id', 'detachedness'],
        node_types: [['hidden', 'array', 'string', 'object', 'code', 'closure', 'regexp', 'number', 'native', 'synthetic'],
          'string', 'number', 'number', 'number', 'number', 'number'],
        edge_fields: ['type', 'name_or_index', 'to_node'],
        edge_types: [['context', 'element', 'property', 'internal', 'hidden', 'shortcut', 'weak'], 'string_or_number', 'node'],
      },
      node_count: 1, edge_count: 0, trace_function_count: 0,
    },
    nodes: [9, 1, 1, 0, 0, 0, 0], edges: [], strings: ['<dummy>', ''],
  });
  const probe = await build(Readable.from([tiny]), true);
  const proto = Object.getPrototypeOf(probe);
  const original = proto.calculateShallowSizes;
  proto.calculateShallowSizes = function () {
    const { nodes, nodeCount, nodeFieldCount, nodeSelfSizeOffset } = this;
    const raw = new Float64Array(nodeCount);
    for (let i = 0; i < nodeCount; i++) raw[i] = nodes.getValue(i * nodeFieldCount + nodeSelfSizeOffset);
    this.rawSelfSizes = raw;
    return original.call(this);
  };
  rawSizesHookInstalled = true;
}

// The loader waits forever for more input when the file is truncated or is not a snapshot; check the start of
// the file and guard the event loop so such input ends with a clear message instead of a silent hang.
function checkLooksLikeSnapshot(file) {
  let fd;
  try {
    fd = openSync(file, 'r');
  } catch (e) {
    throw new InputError(`cannot open ${file}: ${e.code ?? e.message}`);
  }
  try {
    const buf = Buffer.alloc(64);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const head = buf.subarray(0, n).toString('utf8').replace(/^\uFEFF/, '').trimStart();
    if (!/^\{\s*"snapshot"\s*:/.test(head)) {
      throw new InputError(`${file} is not a V8 heap snapshot (it does not start with {"snapshot":)`);
    }
  } finally {
    closeSync(fd);
  }
}

export async function loadSnapshot(file, { rawSelfSizes = false, quiet = false } = {}) {
  checkLooksLikeSnapshot(file);
  if (rawSelfSizes) await installRawSelfSizeHook();
  let settled = false;
  const onBeforeExit = () => {
    if (!settled) {
      process.stderr.write(`error: ${file} ended before the snapshot was complete (truncated or malformed)\n`);
      process.exit(3);
    }
  };
  process.on('beforeExit', onBeforeExit);
  try {
    return await build(createReadStream(file, 'utf8'), quiet);
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`DevTools could not load ${file}: ${e?.message ?? e}`);
  } finally {
    settled = true;
    process.off('beforeExit', onBeforeExit);
  }
}

// Runs main() and maps failures to one line on stderr and a non-zero exit code.
export function runMain(main) {
  main().then(
    () => { process.exitCode = 0; },
    e => {
      process.stderr.write(`error: ${e instanceof InputError ? e.message : (e?.stack ?? e)}\n`);
      process.exitCode = e instanceof InputError ? 2 : 1;
    });
}
