// Known runtime figures for the runtime probe: keeps a 64 MiB ArrayBuffer, churns short-lived objects (so the GC runs)
// and serves HTTP ("port N"). With --leak it also keeps about 4 MB of small objects per second (a JS heap leak).
'use strict';
const http = require('http');
const kept = new ArrayBuffer(64 * 1024 * 1024);
new Uint8Array(kept).fill(1);
const leak = process.argv.includes('--leak');
const cache = [];
let churned = 0;
setInterval(() => {
  const scratch = [];
  for (let i = 0; i < 5000; i++) scratch.push({ i, text: 'x' + i });
  churned += scratch.length;
  if (leak) for (let i = 0; i < 4000; i++) cache.push({ id: cache.length, key: 'request-' + cache.length });
}, 100);
const server = http.createServer((req, res) => res.end('ok ' + kept.byteLength + ' ' + churned));
server.listen(0, '127.0.0.1', () => console.log('port ' + server.address().port));
