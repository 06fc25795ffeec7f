// Heapdog's demo patient: a small HTTP service with two real-world leaks, driving its own traffic.
//  1. Every event it publishes is appended to `sentEvents` "for debugging" and never removed.
//  2. Every request adds an 'error' listener to the shared `jobQueue` emitter and never removes it,
//     so each listener keeps its request's payload alive.
// It prints "port N" once listening. Stop it with SIGTERM or Ctrl-C.
'use strict';
const http = require('http');
const { EventEmitter } = require('events');

const sentEvents = [];
const jobQueue = new EventEmitter();
jobQueue.setMaxListeners(0);

class OrderEvent {
  constructor(id, customer, items) {
    this.id = id;
    this.customer = customer;
    this.items = items;
    this.createdAt = new Date();
  }
}

function publishEvent(id) {
  const event = new OrderEvent(id, 'customer-' + (id % 977), [{ sku: 'sku-' + (id % 31), qty: 1 + (id % 3), note: 'n'.repeat(64) + id }]);
  sentEvents.push(event);
  return event;
}

function handleOrder(req, res) {
  const payload = { path: req.url, receivedAt: Date.now(), body: 'p'.repeat(256) };
  jobQueue.on('error', (err) => console.error('job failed', payload.path, err.message));
  const event = publishEvent(++handleOrder.count);
  res.end(JSON.stringify({ ok: true, id: event.id }));
}
handleOrder.count = 0;

const server = http.createServer(handleOrder);
server.listen(0, '127.0.0.1', () => {
  const port = server.address().port;
  console.log('port ' + port);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  setInterval(() => {
    for (let i = 0; i < 10; i++) {
      http.get({ host: '127.0.0.1', port, path: '/orders/' + i, agent }, (res) => res.resume()).on('error', () => {});
    }
  }, 50);
});

process.on('SIGTERM', () => process.exit(0));
