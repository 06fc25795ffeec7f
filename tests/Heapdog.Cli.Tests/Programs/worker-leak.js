// A service whose worker thread leaks: the worker keeps every WorkerLeakRecord it makes in a module-level array
// (leakedRecords) that grows with each message the main thread sends it, 20 times a second. WorkerLeakRecord exists
// only in the worker, so a snapshot shows whose heap it is. Prints "worker N" (the worker's threadId) and then
// "port N" once both are ready.
'use strict';
const http = require('http');
const { Worker } = require('worker_threads');

const worker = new Worker(`
  const { parentPort } = require('worker_threads');
  class WorkerLeakRecord { constructor(n) { this.n = n; this.payload = 'record ' + n + ' '.repeat(64); } }
  const leakedRecords = [];
  parentPort.on('message', n => { for (let i = 0; i < 200; i++) leakedRecords.push(new WorkerLeakRecord(n * 200 + i)); });
  parentPort.postMessage('ready');
`, { eval: true });

let sent = 0;
worker.once('message', () => {
  console.log('worker ' + worker.threadId);
  setInterval(() => worker.postMessage(sent++), 50);
  const server = http.createServer((req, res) => res.end('ok ' + sent));
  server.listen(0, '127.0.0.1', () => console.log('port ' + server.address().port));
});
