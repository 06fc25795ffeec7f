// Closed-loop HTTP load: `connections` keep-alive clients, each sending its next request as soon as the last one is
// answered, for `seconds`. Prints {"requests":N,"rps":R,"errors":E}. Usage: node load.js PORT SECONDS CONNECTIONS
'use strict';
const http = require('http');
const [port, seconds, connections] = process.argv.slice(2).map(Number);
const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
const end = Date.now() + seconds * 1000;
let requests = 0, errors = 0;

function next() {
  if (Date.now() >= end) return;
  http.get({ host: '127.0.0.1', port, path: '/orders/bench', agent }, (res) => {
    res.resume();
    res.on('end', () => { requests++; next(); });
  }).on('error', () => { errors++; next(); });
}

for (let i = 0; i < connections; i++) next();
setTimeout(() => {
  console.log(JSON.stringify({ requests, rps: Math.round(requests / seconds), errors }));
  process.exit(0);
}, seconds * 1000);
