'use strict';
// Write-up 004: a route registers an 'error' listener on a shared queue for every request and never removes it.
const { EventEmitter } = require('node:events');
const { run } = require('./harness');

class JobQueue extends EventEmitter {
  constructor() {
    super();
    this.setMaxListeners(0);
    this.processed = 0;
  }

  add(job) {
    this.processed++;
    return job.id;
  }
}

const queue = new JobQueue();

function trackRoute(request) {
  queue.on('error', function onQueueError(err) { // leak-site
    console.error('track failed', request.path, err);
  });
  return queue.add({ id: request.id, path: request.path });
}

let nextId = 0;
run(() => {
  for (let i = 0; i < 1400; i++) trackRoute({ id: nextId++, path: `/ma.gif?u=${nextId}` });
});
