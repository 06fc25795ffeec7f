// Keeps what rememberOrders allocates (a known allocation site for the sampling profiler) and serves HTTP.
// The loop sits inside rememberOrders so that V8 never inlines it into a caller (which would take over the frame).
'use strict';
const http = require('http');
const orders = [];
function rememberOrders(count) {
  for (let i = 0; i < count; i++) orders.push({ id: orders.length, lines: [i, i + 1, i + 2], label: 'order-' + orders.length });
}
setInterval(() => rememberOrders(2000), 20);
const server = http.createServer((req, res) => res.end('ok ' + orders.length));
server.listen(0, '127.0.0.1', () => console.log('port ' + server.address().port));
