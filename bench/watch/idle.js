// A quiet Node service for the benchmark: a timer and a little garbage, like an idle HTTP server.
let n = 0;
setInterval(() => { n = (n + JSON.stringify({ t: Date.now() }).length) % 1000; }, 1000);
