// A small HTTP service: answers "ok" on every path and keeps a modest, steady heap.
'use strict';
const http = require('http');
const kept = [];
for (let i = 0; i < 20000; i++) kept.push({ id: i, name: 'item' + i });
const server = http.createServer((req, res) => { res.end('ok ' + kept.length); });
server.listen(0, '127.0.0.1', () => console.log('port ' + server.address().port));
