// A request tracker that never forgets: every "request" is added to the module-level Map `inflight` and never
// removed, so the Map grows by about 200 entries every 100 ms. Prints "ready" once it runs.
'use strict';

class PendingRequest {
  constructor(id) {
    this.id = id;
    this.url = '/orders/' + id;
    this.startedAt = Date.now();
  }
}

const inflight = new Map();
let next = 0;

function track() {
  for (let i = 0; i < 200; i++) {
    const request = new PendingRequest(next++);
    inflight.set(request.id, request);
  }
}

setInterval(track, 100);
track();
console.log('ready');
