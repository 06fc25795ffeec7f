// Holds N small objects (argv[2], default 300000) for as long as it runs: a heap whose snapshot costs far more memory
// than the heap itself, for the headroom check.
'use strict';
const count = Number(process.argv[2] || 300000);
const kept = [];
for (let i = 0; i < count; i++) kept.push({ id: i, key: 'k' + i });
setInterval(() => { if (kept.length !== count) throw new Error('changed'); }, 1000);
console.log('ready');
