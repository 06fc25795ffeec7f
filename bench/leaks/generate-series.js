'use strict';
// Usage: node bench/leaks/generate-series.js OUT_DIR TARGET_MB
// One process writes three heap snapshots OUT_DIR/s1..s3.heapsnapshot of about TARGET_MB each: a service-shaped
// heap (users, sessions with closures, a catalog, a bounded cache with churn) plus leaks that grow between the
// snapshots (an unbounded Map cache, an 'error' listener per request, an id array). Re-executes itself with a
// large enough --max-old-space-size.
const v8 = require('node:v8');
const fs = require('node:fs');
const path = require('node:path');
const { EventEmitter } = require('node:events');
const { spawnSync } = require('node:child_process');

const [outDir, targetText] = process.argv.slice(2);
const targetMb = Number(targetText);
if (!outDir || !(targetMb >= 10 && targetMb <= 4000)) {
  console.error('usage: node generate-series.js OUT_DIR TARGET_MB   (TARGET_MB in 10..4000)');
  process.exit(2);
}
if (!process.env.HEAPDOG_SERIES_CHILD) {
  const args = [`--max-old-space-size=${Math.max(2048, targetMb * 2 + 1024)}`, __filename, outDir, String(targetMb)];
  const child = spawnSync(process.execPath, args, { stdio: 'inherit', env: { ...process.env, HEAPDOG_SERIES_CHILD: '1' } });
  process.exit(child.status ?? 1);
}
fs.mkdirSync(outDir, { recursive: true });

// About 120 bytes of snapshot per unit of the steady heap (measured on Node 20).
const units = Math.round(targetMb * 1e6 / 120 / 10);

class User {
  constructor(id) {
    this.id = id;
    this.email = `user${id}@example.com`;
    this.roles = id % 50 === 0 ? ['admin', 'user'] : ['user'];
    this.profile = { locale: 'en', score: id % 97 };
  }
}
class Session {
  constructor(user) {
    this.user = user;
    this.token = `tok-${user.id}-${user.id * 7919 % 100003}`;
    this.touch = () => this.user.id;
  }
}
class Product {
  constructor(i) {
    this.sku = `SKU-${String(i).padStart(7, '0')}`;
    this.tags = ['catalog', `cat-${i % 40}`];
  }
}
class CacheEntry {
  constructor(key) {
    this.key = key;
    this.value = { hits: 0, body: `cached ${key}` };
  }
}
class Order {
  constructor(id, user) {
    this.id = id;
    this.user = user;
    this.lines = [{ sku: `SKU-${id % 1000}`, qty: 1 + (id % 3) }];
  }
}
class Bus extends EventEmitter {}

const users = Array.from({ length: units }, (_, i) => new User(i));
const sessions = new Map(users.filter((_, i) => i % 2 === 0).map(u => [u.id, new Session(u)]));
const catalog = Array.from({ length: units }, (_, i) => new Product(i));
const cache = new Map();
const bus = new Bus();
bus.setMaxListeners(0);
const orders = new Map();
const sentIds = [];
globalThis.bench = { users, sessions, catalog, cache, bus, orders, sentIds };

let request = 0;
for (let round = 1; round <= 3; round++) {
  const perRound = Math.round(units / 20);
  for (let i = 0; i < perRound; i++) {
    const id = request++;
    orders.set(`order-${id}`, new Order(id, users[id % units]));           // leak: never evicted
    if (i % 10 === 0) bus.on('error', err => console.error(id, err));        // leak: listener per request
    sentIds.push(`evt-${id}`);                                              // leak: ids only pushed
    const key = `k${(id * 7919) % (units * 4)}`;                            // healthy: bounded cache with churn
    cache.set(key, new CacheEntry(key));
    if (cache.size > units / 10) cache.delete(cache.keys().next().value);
  }
  v8.writeHeapSnapshot(path.join(outDir, `s${round}.heapsnapshot`));
}
