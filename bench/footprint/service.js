'use strict';
// Target of the footprint benchmark: a service-shaped heap of about TARGET_MB megabytes of JS heap (users, sessions
// with closures, orders, a response cache, log lines), serving HTTP on a free loopback port. Prints "port P" when ready.
//   GET /stats        its own figures: process.memoryUsage(), and the event-loop delay since the last /stats
//                     (perf_hooks.monitorEventLoopDelay, 10 ms resolution: max, p99, mean, in ms)
//   GET /anything     a small JSON answer built from the heap (what a request does)
// Usage: node service.js TARGET_MB
const http = require('node:http');
const { monitorEventLoopDelay } = require('node:perf_hooks');

const targetMb = Number(process.argv[2] ?? 100);
class User {
  constructor(id) {
    this.id = id;
    this.email = `user${id}@example.com`;
    this.name = `User Number ${id}`;
    this.roles = id % 50 === 0 ? ['admin', 'user'] : ['user'];
    this.preferences = { theme: id % 2 ? 'dark' : 'light', locale: ['en-US', 'de-DE', 'fr-FR'][id % 3] };
  }
}
class Session {
  constructor(id, user) {
    this.id = `s-${id.toString(36)}-${(id * 7919).toString(16)}`;
    this.user = user;
    this.started = Date.now() - id;
    this.headers = { 'user-agent': `agent/${id % 30}`, accept: 'application/json', 'x-request-id': `r${id}` };
    this.touch = () => { this.started = Date.now(); };
  }
}
class Order {
  constructor(id, user) {
    this.id = id;
    this.user = user;
    this.lines = [{ sku: `SKU-${id % 5000}`, quantity: 1 + (id % 3) }, { sku: `SKU-${(id * 3) % 5000}`, quantity: 1 }];
    this.total = (id * 37) % 100000;
  }
}
const users = [], sessions = new Map(), orders = [], cache = new Map(), log = [];
let i = 0;
while (process.memoryUsage().heapUsed < targetMb * 1e6) {
  for (let k = 0; k < 10000; k++, i++) {
    const user = new User(i);
    users.push(user);
    const session = new Session(i, user);
    sessions.set(session.id, session);
    orders.push(new Order(i, user));
    if (i % 4 === 0) cache.set(`/api/users/${i}`, JSON.stringify({ id: i, name: user.name }));
    if (i % 3 === 0) log.push(`${new Date(1.7e12 + i).toISOString()} GET /api/orders/${i} 200`);
  }
}

const delay = monitorEventLoopDelay({ resolution: 10 });
delay.enable();
const server = http.createServer((req, res) => {
  if (req.url === '/stats') {
    const m = process.memoryUsage();
    const body = JSON.stringify({
      rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external,
      delayMaxMs: delay.max / 1e6, delayP99Ms: delay.percentile(99) / 1e6, delayMeanMs: delay.mean / 1e6,
    });
    delay.reset();
    res.setHeader('content-type', 'application/json');
    res.end(body);
    return;
  }
  const user = users[(Math.random() * users.length) | 0];
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ user: user.name, sessions: sessions.size, orders: orders.length }));
});
server.listen(0, '127.0.0.1', () => console.log('port ' + server.address().port));
