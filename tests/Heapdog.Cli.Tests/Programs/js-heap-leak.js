// Grows its JS heap: keeps about 3 MB of small objects per second reachable, like a cache that is never evicted.
const cache = [];
let n = 0;
setInterval(() => {
  for (let i = 0; i < 3000; i++) cache.push({ id: n++, key: 'request-' + n, at: Date.now() });
}, 100);
console.log('ready');
