// A small HTTP service for tests: answers "ok" on every path and prints "port N".
// Arguments: [objects] keeps that many small objects alive (a bigger heap makes snapshots slower);
// --ignore-usr1 installs a SIGUSR1 listener, which keeps Node's inspector from starting on the signal;
// --worker starts a worker thread that marks its global and stays alive.
'use strict';
const http = require('http');
const args = process.argv.slice(2);
const count = Number(args.find(a => /^\d+$/.test(a)) ?? 20000);
const kept = [];
for (let i = 0; i < count; i++) kept.push({ id: i, name: 'item' + i });
if (args.includes('--ignore-usr1')) process.on('SIGUSR1', () => {});
if (args.includes('--worker')) {
  const { Worker } = require('worker_threads');
  new Worker('globalThis.workerMark = 42; setInterval(() => {}, 1000);', { eval: true });
}
const server = http.createServer((req, res) => { res.end('ok ' + kept.length); });
server.listen(0, '127.0.0.1', () => console.log('port ' + server.address().port));
