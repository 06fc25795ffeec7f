// Leaks about 200 MB/h of JS objects (some 56 KB a second): slow enough that a short watch sees little, fast enough
// that a verdict must never call it steady.
const sessions = [];
let n = 0;
setInterval(() => {
  for (let i = 0; i < 33; i++) sessions.push({ id: n++, user: 'user-' + n, seen: Date.now(), tags: [n, n + 1] });
}, 100);
console.log('ready');
