// Healthy: allocates garbage in the heap and in Buffers at a steady rate and keeps nothing.
let sink = 0;
setInterval(() => {
  const tmp = [];
  for (let i = 0; i < 3000; i++) tmp.push({ id: i, key: 'request-' + i });
  const b = Buffer.alloc(64 * 1024);
  sink = (sink + tmp.length + b.length) % 1000;
}, 100);
console.log('ready');
