'use strict';
// Write-ups 001 and 004: the producer adds 600 jobs per round, the consumer finishes only 400: the queue keeps
// gaining and losing jobs while it grows. A backlog, not a leak.
const { run } = require('./harness');

class Job {
  constructor(id) { // leak-site
    this.id = id;
    this.payload = { monitor: `monitor-${id}`, at: Date.now() };
  }
}

class WorkQueue {
  constructor() {
    this.pending = [];
    this.done = 0;
  }

  enqueue(job) {
    this.pending.push(job);
  }

  work(count) {
    for (let i = 0; i < count && this.pending.length > 0; i++) {
      this.pending.shift();
      this.done++;
    }
  }
}

const queue = new WorkQueue();
globalThis.workQueue = queue;
let id = 0;
run(() => {
  for (let i = 0; i < 600; i++) queue.enqueue(new Job(id++));
  queue.work(400);
});
