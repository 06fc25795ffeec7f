'use strict';
// Healthy control: a bounded LRU cache (500 entries) under churn; entries are replaced, the size stays put.
const { run } = require('./harness');

class Entry {
  constructor(key) {
    this.key = key;
    this.value = `value for ${key} `.repeat(4);
  }
}

class LruCache {
  constructor(limit) {
    this.limit = limit;
    this.map = new Map();
  }

  get(key) {
    let entry = this.map.get(key);
    if (entry) {
      this.map.delete(key);
    } else {
      entry = new Entry(key);
      if (this.map.size >= this.limit) this.map.delete(this.map.keys().next().value);
    }
    this.map.set(key, entry);
    return entry;
  }
}

const cache = new LruCache(500);
globalThis.lru = cache;
let n = 0;
run(() => {
  for (let i = 0; i < 5000; i++) cache.get(`k${(n++ * 7919) % 20000}`);
});
