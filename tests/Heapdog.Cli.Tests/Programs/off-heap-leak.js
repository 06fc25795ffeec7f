// Grows outside the JS heap: keeps Buffers alive (their bytes are malloc'ed, not in the V8 heap), about 2 MB per
// second, while the JS objects that hold them stay tiny. The JS heap stays flat.
const held = [];
setInterval(() => {
  for (let i = 0; i < 2; i++) { const b = Buffer.alloc(100 * 1024); b.fill(i + 1); held.push(b); }
}, 100);
console.log('ready');
