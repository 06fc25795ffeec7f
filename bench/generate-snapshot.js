'use strict';
// Usage: node bench/generate-snapshot.js OUT.heapsnapshot TARGET_MB
// Builds a heap shaped like a busy web service (users, sessions, orders, a product catalog, a response cache,
// request contexts with headers and small Buffers, per-session closures, log lines, metrics typed arrays) and
// writes one heap snapshot of about TARGET_MB megabytes (supported: 50 .. 4000).
//
// It calibrates itself: it builds a small part of the heap, writes a snapshot next to OUT to measure bytes per
// unit, deletes it, then builds the rest and writes OUT (via a temporary name, renamed when complete).
// The heap needs room: the script re-executes itself with --max-old-space-size sized for TARGET_MB and prints
// that command line to stderr.
//
// Measured on the 2-core, 24 GB benchmark machine (Node 20, calibration included): 50 MB in 4 s (peak RSS 0.3 GB),
// 300 MB in 25 s (1.6 GB), 1200 MB in 130 s (6.5 GB). Writing the snapshot is what needs the memory: V8 holds
// about 5 bytes of RSS per byte of output, so 4000 MB is expected to take about 8 minutes and ~21 GB of RAM:
// run it alone on the machine.
const v8 = require('node:v8');
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const [out, targetText] = process.argv.slice(2);
const targetMb = Number(targetText);
if (!out || !Number.isFinite(targetMb) || targetMb < 10 || targetMb > 8000) {
  console.error('usage: node generate-snapshot.js OUT.heapsnapshot TARGET_MB   (TARGET_MB in 10..8000)');
  process.exit(2);
}

if (fs.existsSync(out)) {
  console.error(`${out} already exists; choose a new file name`);
  process.exit(2);
}

// Heap needed is roughly 45% of the snapshot size; leave generous headroom for the GC.
const heapMb = Math.max(2048, Math.ceil(targetMb * 1.2) + 1024);
if (!process.env.HEAPDOG_GENERATE_CHILD) {
  const args = [`--max-old-space-size=${heapMb}`, __filename, out, String(targetMb)];
  console.error(`running: ${path.basename(process.execPath)} ${args.join(' ')}`);
  const child = spawnSync(process.execPath, args, { stdio: 'inherit', env: { ...process.env, HEAPDOG_GENERATE_CHILD: '1' } });
  process.exit(child.status ?? 1);
}

const started = Date.now();

class Product {
  constructor(i) {
    this.sku = `SKU-${String(i).padStart(6, '0')}`;
    this.title = `Product ${i} ${['basic', 'premium', 'deluxe', 'eco'][i % 4]}`;
    this.priceCents = 199 + (i * 37) % 20000;
    this.tags = ['catalog', `cat-${i % 40}`, `brand-${i % 90}`];
  }
}
class User {
  constructor(id) {
    this.id = id;
    this.email = `user${id}@example.com`;
    this.displayName = `User Number ${id}`;
    this.roles = id % 50 === 0 ? ['admin', 'user'] : ['user'];
    this.preferences = { theme: id % 2 ? 'dark' : 'light', locale: ['en-US', 'de-DE', 'fr-FR', 'ja-JP'][id % 4] };
    this.createdAt = new Date(1_600_000_000_000 + id * 1000);
  }
}
class LineItem {
  constructor(product, qty) { this.product = product; this.qty = qty; this.note = qty > 3 ? `bulk x${qty}` : null; }
}
class Order {
  constructor(id, user, items) {
    this.id = `ord_${id.toString(36)}`;
    this.user = user;
    this.items = items;
    this.status = ['new', 'paid', 'shipped', 'done'][id % 4];
    this.totalCents = items.reduce((sum, it) => sum + it.product.priceCents * it.qty, 0);
  }
}
class Session {
  constructor(id, user) {
    this.token = `${id.toString(16).padStart(12, '0')}-${(id * 2654435761 >>> 0).toString(16)}`;
    this.user = user;
    this.expiresAt = Date.now() + 3_600_000;
    this.attributes = new Map([['ip', `10.${id % 256}.${(id >> 8) % 256}.${id % 7}`], ['ua', 'Mozilla/5.0 (X11; Linux x86_64)']]);
    const session = this;
    this.onExpire = () => session.user.displayName.length; // per-session closure capturing the session
    this.onTouch = (now) => { session.expiresAt = now + 3_600_000; };
  }
}
class RequestContext {
  constructor(id, session) {
    this.url = `/api/v1/orders/${id}?expand=items&fields=id,status,total`;
    this.method = id % 5 ? 'GET' : 'POST';
    this.headers = { 'content-type': 'application/json', 'x-request-id': `req-${id}`, accept: '*/*', 'user-agent': 'svc-client/2.3' };
    this.body = Buffer.from(`{"order":${id},"session":"${session.token}"}`);
    this.session = session;
  }
}
class CacheEntry {
  constructor(key, value) { this.key = key; this.value = value; this.hits = 0; this.storedAt = Date.now(); }
}

const catalog = Array.from({ length: 5000 }, (_, i) => new Product(i));
const state = {
  users: [], sessions: new Map(), orders: [], requests: [], cache: new Map(), log: [], metrics: [],
};
globalThis.heapdogBench = state;

// One unit is one user's footprint in the service.
let nextId = 1;
function addUnit() {
  const id = nextId++;
  const user = new User(id);
  state.users.push(user);
  const session = new Session(id, user);
  state.sessions.set(session.token, session);
  for (let k = 0; k < 2; k++) {
    const items = Array.from({ length: 1 + (id + k) % 4 }, (_, j) => new LineItem(catalog[(id * 7 + j * 13 + k) % catalog.length], 1 + (j + id) % 5));
    state.orders.push(new Order(id * 2 + k, user, items));
  }
  if (id % 3 === 0) state.requests.push(new RequestContext(id, session));
  const cacheKey = `/users/${id}/summary`;
  // Rendered responses are cached as JSON text (a few hundred characters each, as API caches hold).
  const rendered = JSON.stringify({
    id, name: user.displayName, email: user.email, roles: user.roles, preferences: user.preferences,
    orders: state.orders.slice(-2).map(o => ({ id: o.id, status: o.status, total: o.totalCents, skus: o.items.map(it => it.product.sku) })),
    recentlyViewed: Array.from({ length: 12 }, (_, j) => catalog[(id * 31 + j * 17) % catalog.length].sku),
  });
  state.cache.set(cacheKey, new CacheEntry(cacheKey, rendered));
  state.log.push(`${new Date(1_700_000_000_000 + id * 250).toISOString()} INFO user=${id} action=login session=${session.token}`);
  if (id % 64 === 0) state.metrics.push(new Float64Array(256).fill(id));
}

function writeSnapshot(file) {
  const tmp = `${file}.${process.pid}.tmp`;
  v8.writeHeapSnapshot(tmp);
  const size = fs.statSync(tmp).size;
  fs.renameSync(tmp, file);
  return size;
}

// Calibration: measure Node's own heap, then about a tenth of the target, on disk.
const calibrationFile = `${out}.calibration.${process.pid}`;
const baselineBytes = writeSnapshot(calibrationFile);
const targetBytes = targetMb * 1024 * 1024;
const calibrationUnits = Math.min(50000, Math.max(1000, Math.round(targetBytes * 0.1 / 4300)));
for (let i = 0; i < calibrationUnits; i++) addUnit();
const calibrationSize = writeSnapshot(calibrationFile);
fs.unlinkSync(calibrationFile);
const bytesPerUnit = Math.max(1, (calibrationSize - baselineBytes) / calibrationUnits);
const totalUnits = Math.max(calibrationUnits, Math.round((targetBytes - baselineBytes) / bytesPerUnit));
console.error(`calibration: ${(calibrationSize / 1048576).toFixed(1)} MB for ${calibrationUnits} units (${bytesPerUnit.toFixed(0)} B/unit); building ${totalUnits} units`);
for (let i = calibrationUnits; i < totalUnits; i++) addUnit();

const size = writeSnapshot(out);
const heapUsedMb = process.memoryUsage().heapUsed / 1048576;
console.error(`wrote ${out}: ${(size / 1048576).toFixed(1)} MB in ${((Date.now() - started) / 1000).toFixed(1)} s (JS heap ${heapUsedMb.toFixed(0)} MB)`);
