// Serves HTTP until GET /leak, then grows its heap until V8 gives up (run with a small --max-old-space-size).
'use strict';
const http = require('http');
const hoard = [];
let leaking = false;
setInterval(() => { if (leaking) for (let i = 0; i < 50000; i++) hoard.push({ i, s: 'x' + i }); }, 5);
const server = http.createServer((req, res) => { if (req.url === '/leak') leaking = true; res.end('ok'); });
server.listen(0, '127.0.0.1', () => console.log('port ' + server.address().port));
