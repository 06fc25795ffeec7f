// Keeps what rememberOrders allocates (a known allocation site for the sampling profiler) and serves HTTP.
// The loop sits inside rememberOrders so that V8 never inlines it into a caller (which would take over the frame).
'use strict';
const http = require('http');
const orders = [];
function rememberOrders(count) {
  for (let i = 0; i < count; i++) orders.push({ id: orders.length, lines: [i, i + 1, i + 2], label: 'order-' + orders.length });
}
// The first argument is how many orders every 20 ms (default 2000: ~5 MB/s, which the sampling profiler needs; a hunt
// needs far less, and on a busy machine a heap growing that fast outgrows the time a test gives the hunt).
const perTick = Number(process.argv[2] ?? 2000);
setInterval(() => rememberOrders(perTick), 20);
const server = http.createServer((req, res) => res.end('ok ' + orders.length));
server.listen(0, '127.0.0.1', () => console.log('port ' + server.address().port));
