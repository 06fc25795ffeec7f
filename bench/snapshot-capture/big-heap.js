// Target for the snapshot-capture benchmark. Prints "port P" once ready.
//   edges N    keeps N arrays of 1,000,000 references to one object: a big file (about 14 bytes per edge) from few
//              nodes, so the target itself stays cheap to snapshot;
//   objects N  keeps N small objects (two snapshot nodes each): the expensive kind for the target.
'use strict';
const http = require('http');
const [mode, count] = [process.argv[2], Number(process.argv[3])];
const kept = [];
const shared = { shared: true };
for (let i = 0; i < count; i++) kept.push(mode === 'edges' ? new Array(1000000).fill(shared) : { id: i, name: 'item' + i });
const server = http.createServer((req, res) => res.end('ok ' + kept.length));
server.listen(0, '127.0.0.1', () => console.log('port ' + server.address().port));
