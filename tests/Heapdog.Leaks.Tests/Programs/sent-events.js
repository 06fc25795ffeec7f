'use strict';
// Write-up 002: a stream library remembers the ids of the events it sends so that its consumer can skip them;
// a producer-only service has no consumer, so the array only grows.
const { run } = require('./harness');

class StreamClient {
  constructor(stream) { // leak-site
    this.stream = stream;
    this.sentEvents = [];
    this.sequence = 0;
  }

  produce(payload) {
    const id = `${Date.now()}-${this.sequence++}`;
    this.sentEvents.push(id);
    return { id, size: JSON.stringify(payload).length };
  }

  onMessage(id) {
    const at = this.sentEvents.indexOf(id);
    if (at >= 0) this.sentEvents.splice(at, 1);
  }
}

const client = new StreamClient('orders');
run(() => {
  for (let i = 0; i < 3000; i++) client.produce({ order: i });
});
