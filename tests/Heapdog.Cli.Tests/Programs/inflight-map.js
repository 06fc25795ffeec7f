// A request tracker that never forgets: each "request" is added to the module-level Map `inflight` and never
// removed. It starts with 1000 requests; each "grow N" line on stdin tracks N more and answers "grown SIZE", so a
// test decides exactly how much the Map grows between two snapshots. Prints "ready" once it runs.
'use strict';
const readline = require('readline');

class PendingRequest {
  constructor(id) {
    this.id = id;
    this.url = '/orders/' + id;
    this.startedAt = Date.now();
  }
}

const inflight = new Map();
let next = 0;

function track(count) {
  for (let i = 0; i < count; i++) {
    const request = new PendingRequest(next++);
    inflight.set(request.id, request);
  }
}

track(1000);
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const [command, count] = line.split(' ');
  if (command === 'grow') {
    track(Number(count));
    console.log('grown ' + inflight.size);
  }
});
console.log('ready');
