// "Answered and drawn": in headless Chromium, a page fetches a process's series from heapdog serve, parses it and
// draws it with uPlot (the dashboard's chart library), RUNS times per point count, each in a fresh page.
// The page is served at the API's own origin (Playwright answers that one URL, then stops intercepting), so the
// fetch goes straight to heapdog as the dashboard's would, without a proxy and without CORS.
// Usage: node draw.mjs BASE_URL PROCESS_ID FROM_MS TO_MS RUNS POINTS...
// Prints one line per point count: points, points returned, bytes, then medians in ms of
// fetch (request to last byte), parse (JSON.parse and the column arrays), draw (uPlot constructor to its draw hook),
// total (request to draw hook).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const [base, processId, from, to, runsText, ...pointsList] = process.argv.slice(2);
const runs = Number(runsText);
const require = createRequire(import.meta.url);
const uplotJs = readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8');
const uplotCss = readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8');
const pageUrl = `${base}/__bench-serve.html`;
const html = `<!doctype html><html><head><meta charset="utf-8"><style>${uplotCss}</style></head>
<body><div id="chart"></div><script>${uplotJs}</script></body></html>`;

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run'],
});
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
try {
  for (const points of pointsList) {
    const url = `/api/processes/${processId}/samples?from=${from}&to=${to}&points=${points}`;
    const results = [];
    // One unmeasured run first: Chromium's and uPlot's first use compiles code.
    for (let r = 0; r <= runs; r++) {
      const page = await browser.newPage({ viewport: { width: 1400, height: 600 } });
      await page.route(pageUrl, (route) => route.fulfill({ contentType: 'text/html', body: html }));
      await page.goto(pageUrl);
      await page.unrouteAll();
      const result = await page.evaluate(async (url) => {
        const memory = ['rss', 'heapUsed', 'heapTotal', 'v8Heap', 'native', 'external', 'arrayBuffers', 'cgroupUsage'];
        const t0 = performance.now();
        const response = await fetch(url, { cache: 'no-store' });
        const text = await response.text();
        const t1 = performance.now();
        const series = JSON.parse(text);
        const times = series.values[0].map((ms) => ms / 1000);
        const data = [times, ...memory.map((name) => series.values[series.columns.indexOf(name)])];
        const t2 = performance.now();
        let drawn;
        const done = new Promise((resolve) => { drawn = resolve; });
        new uPlot({
          width: 1200, height: 400,
          series: [{}, ...memory.map((label, i) => ({ label, stroke: `hsl(${i * 45} 70% 45%)`, width: 1 }))],
          hooks: { draw: [() => drawn(performance.now())] },
        }, data, document.getElementById('chart'));
        const t3 = await done;
        return { returned: times.length, bytes: text.length, fetch: t1 - t0, parse: t2 - t1, draw: t3 - t2, total: t3 - t0 };
      }, url);
      await page.close();
      if (r > 0) results.push(result);
    }
    const m = (k) => median(results.map((x) => x[k])).toFixed(1);
    console.log(['draw', points, results[0].returned, results[0].bytes, m('fetch'), m('parse'), m('draw'), m('total')].join('\t'));
  }
} finally {
  await browser.close();
}
