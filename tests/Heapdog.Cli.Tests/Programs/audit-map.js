// An audit log that never forgets: each request's record, a plain object literal (no class of the application's
// own), is stored in the module-level Map `inflight` on the line just below its function's header (lines 9 and 10:
// tests look for them). A timer audits 100 requests every 100 ms, so the Map grows between any two snapshots.
// Prints "ready" once it runs.
'use strict';
const inflight = new Map();
let next = 0;

function audit(req) {
  inflight.set(req.id, { id: req.id, user: 'user-' + req.id, at: Date.now() });
}

setInterval(() => {
  for (let i = 0; i < 100; i++) audit({ id: next++ });
}, 100);
console.log('ready');
