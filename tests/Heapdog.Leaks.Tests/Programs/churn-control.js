'use strict';
// Healthy control: heavy allocation that is all freed again, plus a fixed-size working set that is replaced.
const { run } = require('./harness');

class Request {
  constructor(i) {
    this.id = i;
    this.headers = { host: 'example.com', 'x-request-id': `r-${i}` };
    this.body = new Array(16).fill(i);
  }
}

// 200 copies of one text, built at run time so V8 does not share them (for `heapdog strings`).
globalThis.labels = Array.from({ length: 200 }, (_, i) => ['duplicated', 'status', 'label', String(i % 1)].join('-'));
let working = [];
globalThis.working = () => working.length;
let sink = 0;
run(round => {
  for (let i = 0; i < 100000; i++) sink += new Request(i).body.length;
  working = Array.from({ length: 300 }, (_, i) => new Request(round * 1000 + i));
  globalThis.sink = sink;
});
