// Sequential timing of the samples query over HTTP: RUNS requests one after the other on one kept-alive connection,
// each timed from the request to the last byte of the answer. Prints: points, points returned, bytes, median, p99 (ms).
// Usage: node query.mjs BASE_URL PROCESS_ID FROM_MS TO_MS RUNS POINTS...
import http from 'node:http';

const [base, processId, from, to, runsText, ...pointsList] = process.argv.slice(2);
const runs = Number(runsText);
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function get(url) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    http.get(url, { agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const ms = Number(process.hrtime.bigint() - t0) / 1e6;
        if (res.statusCode !== 200) reject(new Error(`${url}: HTTP ${res.statusCode}`));
        else resolve({ ms, body: Buffer.concat(chunks) });
      });
    }).on('error', reject);
  });
}

for (const points of pointsList) {
  const url = `${base}/api/processes/${processId}/samples?from=${from}&to=${to}&points=${points}`;
  const first = await get(url);
  const returned = JSON.parse(first.body).values[0].length;
  const ms = [];
  for (let r = 0; r < runs; r++) ms.push((await get(url)).ms);
  ms.sort((a, b) => a - b);
  const p99 = ms[Math.min(runs - 1, Math.ceil(runs * 0.99) - 1)];
  console.log(['http', points, returned, first.body.length, ms[Math.floor(runs / 2)].toFixed(1), p99.toFixed(1)].join('\t'));
}
agent.destroy();
