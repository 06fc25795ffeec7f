// Holds N (argv[2], default 90000) distinct 1000-character "binary" strings (Buffer#toString('latin1'), as code that
// keeps raw bytes in strings does) for as long as it runs. Every character is in 0x80-0xFF, which a heap snapshot
// writes as a 6-byte \u00XX escape: 90,000 strings (90 MB of heap) make a snapshot of about 550 MB, built in seconds
// because it has few objects.
'use strict';
const crypto = require('crypto');
const count = Number(process.argv[2] || 90000);
const kept = [];
for (let i = 0; i < count; i++) {
  const bytes = crypto.randomBytes(1000);
  for (let j = 0; j < bytes.length; j++) bytes[j] |= 0x80;
  kept.push(bytes.toString('latin1'));
}
setInterval(() => { if (kept.length !== count) throw new Error('changed'); }, 1000);
console.log('ready');
