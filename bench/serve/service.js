// A small Node service for the benchmark's live processes: a timer that keeps a little of what it makes (a slow leak).
const kept = [];
setInterval(() => { kept.push(JSON.stringify({ t: Date.now(), pad: 'x'.repeat(200) })); }, 100);
