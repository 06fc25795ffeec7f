// Usage: node client.mjs HEAPDOG SNAPSHOT
// A minimal MCP client over stdio (JSON-RPC lines, no dependencies): starts `HEAPDOG mcp --read-only`, opens SNAPSHOT
// with `analyze`, then asks a follow-up `inspect` of the largest object, and reads the server's peak RSS (VmHWM) before
// closing it. Prints one JSON line: {"tool":"heapdog-mcp","firstAnswerMs":…,"followUpMs":…,"peakRssKb":…}.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

const [heapdog, snapshot] = process.argv.slice(2);
const server = spawn(heapdog, ['mcp', '--read-only'], { stdio: ['pipe', 'pipe', 'inherit'] });
const lines = createInterface({ input: server.stdout });
const waiting = new Map();
lines.on('line', (line) => {
  const message = JSON.parse(line);
  if (message.id !== undefined && waiting.has(message.id)) {
    waiting.get(message.id)(message);
    waiting.delete(message.id);
  }
});
let nextId = 0;
function request(method, params) {
  const id = ++nextId;
  server.stdin.write(JSON.stringify({ jsonrpc: '2.0', id, method, params }) + '\n');
  return new Promise((resolve) => waiting.set(id, resolve));
}
async function call(name, args) {
  const started = performance.now();
  const answer = await request('tools/call', { name, arguments: args });
  const ms = Math.round(performance.now() - started);
  if (answer.error || answer.result.isError) throw new Error(`${name}: ${JSON.stringify(answer.error ?? answer.result.content)}`);
  return { ms, json: JSON.parse(answer.result.content[0].text) };
}

const clock = performance.now();
await request('initialize', { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'bench', version: '1' } });
server.stdin.write(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) + '\n');
const analyze = await call('analyze', { file: snapshot, top: 10, objects: 5 });
const firstAnswerMs = Math.round(performance.now() - clock);
const largest = analyze.json.largestObjects[0].id;
const inspect = await call('inspect', { file: snapshot, id: `@${largest}`, limit: 10 });
const status = readFileSync(`/proc/${server.pid}/status`, 'utf8');
const peakRssKb = Number(/VmHWM:\s+(\d+)/.exec(status)[1]);
server.stdin.end();
console.log(JSON.stringify({ tool: 'heapdog-mcp', file: snapshot, nodeCount: analyze.json.nodeCount, firstAnswerMs, analyzeMs: analyze.ms, followUpMs: inspect.ms, peakRssKb }));
