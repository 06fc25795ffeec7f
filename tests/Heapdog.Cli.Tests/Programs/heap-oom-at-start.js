// Dies of V8's heap limit: run with a small --max-old-space-size; keeps ~4 MB of objects per second.
const keep = [];
setInterval(() => {
  for (let i = 0; i < 4000; i++) keep.push({ id: i, text: 'x'.repeat(20) + i });
}, 100);
console.log('ready');
