// A healthy service for `hunt`: a bounded LRU cache under churn and heavy allocate-and-free per request.
// It drives its own traffic and prints "port N" once listening.
'use strict';
const http = require('http');

class Entry {
  constructor(key) {
    this.key = key;
    this.value = `value for ${key} `.repeat(4);
  }
}

const cache = new Map();
function lookup(key) {
  let entry = cache.get(key);
  if (entry) cache.delete(key);
  else {
    entry = new Entry(key);
    if (cache.size >= 500) cache.delete(cache.keys().next().value);
  }
  cache.set(key, entry);
  return entry;
}

let n = 0;
const server = http.createServer((req, res) => {
  // Allocate and drop: a few thousand short-lived objects per request.
  const scratch = [];
  for (let i = 0; i < 2000; i++) scratch.push({ i, text: 'x'.repeat(32) + i });
  for (let i = 0; i < 200; i++) lookup('k' + ((n++ * 7919) % 20000));
  res.end(String(scratch.length));
});
server.listen(0, '127.0.0.1', () => {
  const port = server.address().port;
  console.log('port ' + port);
  setInterval(() => http.get({ host: '127.0.0.1', port, path: '/' }, (r) => r.resume()).on('error', () => {}), 5);
});
