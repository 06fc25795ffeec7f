import uPlot from 'uplot';
import { api, post, HeapEvent, Job, Process, Series } from '../api';
import { EventKind, outOfMemoryKinds } from '../contract';
import { Page, guard } from '../app';
import { h, fill } from '../dom';
import * as fmt from '../format';
import { limitUse, processName, verdictBadge } from './processes';
import { trackJob } from './jobs';

const ranges: { key: string; label: string; ms: number; refreshMs: number | null }[] = [
  { key: '15m', label: '15 min', ms: 15 * 60_000, refreshMs: 2000 },
  { key: '1h', label: '1 h', ms: 3600_000, refreshMs: 5000 },
  { key: '6h', label: '6 h', ms: 6 * 3600_000, refreshMs: null },
  { key: '24h', label: '24 h', ms: 24 * 3600_000, refreshMs: null },
  { key: '7d', label: '7 d', ms: 7 * 24 * 3600_000, refreshMs: null },
];

interface Line { column?: string; label: string; color: string; constant?: number | null; limit?: boolean }
interface ChartSpec { key: string; title: string; lines: Line[] }

const eventColors: Record<string, string> = {
  [EventKind.Exited]: '#888', [EventKind.ExitedOomKill]: '#d0201a', [EventKind.OomKill]: '#d0201a', [EventKind.HeapOom]: '#d0201a',
  [EventKind.Snapshot]: '#1a66d0', [EventKind.SnapshotFailed]: '#b07000', [EventKind.SnapshotSkipped]: '#b07000',
};
/** Deaths for lack of memory, and the hook event that reports one, are drawn with a heavier line. */
const deathKinds: readonly string[] = [...outOfMemoryKinds, EventKind.OomDeath];

function column(series: Series, name: string): (number | null)[] | null {
  const i = series.columns.indexOf(name);
  return i < 0 ? null : series.values[i];
}

const anyValue = (values: (number | null)[] | null) => !!values && values.some((v) => v !== null);

/** The three charts of a process, chosen by which figures were measured. */
function chartSpecs(p: Process, series: Series): ChartSpec[] {
  const runtime = anyValue(column(series, 'heapUsed'));
  const limit = p.limit;
  const rssLines: Line[] = [{ column: 'rss', label: 'RSS', color: '#1a66d0' }];
  if (anyValue(column(series, 'cgroupUsage'))) rssLines.push({ column: 'cgroupUsage', label: 'cgroup usage', color: '#7a3fb0' });
  if (limit && limit.kind !== 'heap') rssLines.push({ label: `limit (${limit.kind})`, color: '#d0201a', constant: limit.bytes, limit: true });
  const heapLines: Line[] = runtime
    ? [{ column: 'heapUsed', label: 'heap used', color: '#0a8a4a' }, { column: 'heapTotal', label: 'heap total', color: '#7fb89a' }]
    : [{ column: 'v8Heap', label: 'V8 heap (committed)', color: '#0a8a4a' }];
  if (anyValue(column(series, 'heapLimit'))) heapLines.push({ column: 'heapLimit', label: 'heap limit', color: '#d0201a', limit: true });
  else if (limit && limit.kind === 'heap') heapLines.push({ label: 'heap limit', color: '#d0201a', constant: limit.bytes, limit: true });
  return [
    { key: 'rss', title: 'Resident memory (RSS)', lines: rssLines },
    { key: 'heap', title: runtime ? 'JS heap: used / total' : 'JS heap (committed V8 heap; no runtime figures)', lines: heapLines },
    { key: 'external', title: 'Off-heap: external / array buffers / native', lines: [
      { column: 'external', label: 'external', color: '#b07000' },
      { column: 'arrayBuffers', label: 'arrayBuffers', color: '#c05090' },
      { column: 'native', label: 'native', color: '#508090' }] },
  ];
}

function chartData(spec: ChartSpec, series: Series): uPlot.AlignedData {
  const times = (column(series, 'timeMs') ?? []).map((t) => (t ?? 0) / 1000);
  const lines = spec.lines.map((line) => line.column ? (column(series, line.column) ?? times.map(() => null)) : times.map(() => line.constant ?? null));
  return breakGaps(spec, times, lines);
}

/**
 * Measured lines break where no sample was taken for more than three sampling intervals (the median spacing): a
 * straight line across a stopped watch or a host asleep would draw readings nobody took. Constant lines (limits) go on.
 */
function breakGaps(spec: ChartSpec, times: number[], lines: (number | null)[][]): uPlot.AlignedData {
  if (times.length < 3) return [times, ...lines] as uPlot.AlignedData;
  const steps = times.slice(1).map((t, i) => t - times[i]).sort((a, b) => a - b);
  const longest = 3 * steps[Math.floor(steps.length / 2)];
  const outTimes: number[] = [];
  const outLines: (number | null)[][] = lines.map(() => []);
  times.forEach((t, i) => {
    if (i > 0 && t - times[i - 1] > longest) {
      outTimes.push((t + times[i - 1]) / 2);
      outLines.forEach((line, k) => line.push(spec.lines[k].constant ?? null));
    }
    outTimes.push(t);
    outLines.forEach((line, k) => line.push(lines[k][i]));
  });
  return [outTimes, ...outLines] as uPlot.AlignedData;
}

/** Vertical marks for events (OOM deaths, exits, snapshots) on the time axis. */
function eventMarks(events: () => HeapEvent[]): uPlot.Plugin {
  return {
    hooks: {
      draw: (u: uPlot) => {
        const ctx = u.ctx;
        const { left, top, width, height } = u.bbox;
        ctx.save();
        ctx.font = `${10 * devicePixelRatio}px sans-serif`;
        for (const e of events()) {
          const x = u.valToPos(e.timeMs / 1000, 'x', true);
          if (x < left || x > left + width) continue;
          ctx.strokeStyle = ctx.fillStyle = eventColors[e.kind] ?? '#e08000';
          ctx.lineWidth = devicePixelRatio * (deathKinds.includes(e.kind) ? 2 : 1);
          ctx.setLineDash(e.kind === EventKind.Snapshot ? [4 * devicePixelRatio, 3 * devicePixelRatio] : []);
          ctx.beginPath();
          ctx.moveTo(x, top);
          ctx.lineTo(x, top + height);
          ctx.stroke();
          ctx.fillText(e.kind, x + 3 * devicePixelRatio, top + 11 * devicePixelRatio);
        }
        ctx.restore();
      },
    },
  };
}

function limitMax(values: (number | null)[]): number {
  let max = 0;
  for (const v of values) if (v !== null && v > max) max = v;
  return max;
}

class Chart {
  plot: uPlot | null = null;
  signature = '';
  readonly el: HTMLElement;
  readonly plotEl = h('div', { class: 'plot' });

  constructor(readonly key: string, private events: () => HeapEvent[]) {
    this.el = h('div', { class: 'chart', testid: `chart-${key}` });
  }

  update(spec: ChartSpec, series: Series, width: number): void {
    const data = chartData(spec, series);
    const signature = spec.lines.map((l) => l.label + (l.constant ?? '')).join('|');
    const first = data[1] as (number | null)[];
    const measured = first.filter((v) => v !== null);
    this.el.setAttribute('data-points', String(measured.length));
    // breakGaps adds one time per gap: the breaks drawn are the times beyond the samples'.
    this.el.setAttribute('data-gaps', String(data[0].length - (column(series, 'timeMs') ?? []).length));
    this.el.setAttribute('data-last', String(measured.at(-1) ?? ''));
    this.el.setAttribute('data-series', spec.lines.map((l) => l.label).join(','));
    if (this.plot && signature === this.signature) {
      this.plot.setData(data);
      return;
    }
    this.plot?.destroy();
    this.signature = signature;
    let dataMax = 0;
    for (let i = 1; i < data.length; i++) if (!spec.lines[i - 1].limit) for (const v of data[i] as (number | null)[]) if (v !== null && v > dataMax) dataMax = v;
    fill(this.el, h('div', { class: 'chart-title' }, spec.title), this.plotEl);
    this.plot = new uPlot({
      width, height: 190,
      plugins: [eventMarks(this.events)],
      cursor: { drag: { x: true, y: false } },
      scales: { y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.08 : 1] } },
      axes: [
        { stroke: '#666', grid: { stroke: '#eee' } },
        { stroke: '#666', grid: { stroke: '#eee' }, size: 70, values: (_u, splits) => splits.map((v) => fmt.bytes(v)) },
      ],
      series: [
        { value: (_u, v) => (v === null ? '–' : fmt.time(v * 1000)) },
        ...spec.lines.map((line) => ({
          label: line.label, stroke: line.color, width: 1.5, dash: line.limit ? [6, 4] : undefined, spanGaps: false,
          // A far-away limit (the host's memory) would flatten the chart: it starts hidden, a click on the legend shows it.
          show: line.limit ? limitMax(data[spec.lines.indexOf(line) + 1] as (number | null)[]) <= 4 * dataMax : true,
          value: (_u: uPlot, v: number | null) => fmt.bytes(v),
        })),
      ],
    }, data, this.plotEl);
  }

  resize(width: number): void {
    this.plot?.setSize({ width, height: 190 });
  }
}

export async function processPage(page: Page): Promise<void> {
  const id = page.params[0];
  let process = await api<Process>(`/api/processes/${id}`);
  let range = ranges.find((r) => r.key === page.query.get('range')) ?? ranges[0];
  let events: HeapEvent[] = [];
  const charts = ['rss', 'heap', 'external'].map((key) => new Chart(key, () => events));
  const info = h('div', { class: 'info' });
  const verdict = h('div', { class: 'verdict-box' });
  const jobs = h('div', { class: 'jobs', testid: 'jobs' });
  const eventsTable = h('div');
  const chartsEl = h('div', { class: 'charts', testid: 'charts' }, charts.map((c) => c.el));
  const rangeButtons = h('div', { class: 'segmented' }, ranges.map((r) => h('button', {
    testid: `range-${r.key}`, 'data-range': r.key, class: r === range ? 'active' : '',
    onclick: () => { location.hash = `#/process/${id}?range=${r.key}`; },
  }, r.label)));
  const huntInterval = h('select', { testid: 'hunt-interval', title: 'time between the hunt\'s 3 snapshots' }, ['2s', '5s', '10s', '30s', '60s'].map((v) => h('option', { value: v, selected: v === '10s' }, v)));
  // V8's allocation tracker: each suspect then names the statement that stores its objects (docs/hunt.md has the cost).
  const huntAllocations = h('input', { type: 'checkbox', testid: 'hunt-allocations' });
  const huntAllocationsLabel = h('label', { class: 'small', title: 'track allocations while the hunt runs: each suspect gets the stacks that allocated its objects and the line that stores them' },
    huntAllocations, ' allocation stacks ', h('span', { class: 'muted' }, '(slows the target while it runs: about 8 instead of 7,700 requests/s under load)'));
  const sampleDuration = h('select', { testid: 'sample-duration', title: 'sampling time' }, ['3s', '10s', '30s', '60s'].map((v) => h('option', { value: v, selected: v === '10s' }, v)));
  const start = (path: string) => async () => {
    const answer = await guard(() => post<{ job: Job }>(path));
    if (answer?.job) trackJob(page, answer.job, jobs, () => void refresh());
  };
  const buttons = [
    h('button', { testid: 'btn-snapshot', onclick: start(`/api/processes/${id}/snapshot`), title: 'take a heap snapshot now' }, 'Snapshot'),
    h('button', { testid: 'btn-hunt', onclick: () => void start(`/api/processes/${id}/hunt?count=3&interval=${huntInterval.value}${huntAllocations.checked ? '&allocations=true' : ''}`)(), title: '3 snapshots apart, then the leak report' }, 'Hunt'), huntInterval, huntAllocationsLabel,
    h('button', { testid: 'btn-sample', onclick: () => void start(`/api/processes/${id}/sample?duration=${sampleDuration.value}`)(), title: 'sampling heap profiler' }, 'Sample'), sampleDuration,
  ];
  fill(page.root,
    h('div', { class: 'toolbar' }, h('h1', { testid: 'process-title' }, processName(process), ` (pid ${process.pid})`), h('div', { class: 'actions' }, buttons)),
    info, verdict, jobs,
    h('div', { class: 'toolbar' }, h('h2', null, 'Memory'), rangeButtons, h('span', { class: 'muted small' }, range.refreshMs ? `live, every ${range.refreshMs / 1000} s` : 'drag on a chart to zoom, double-click to reset')),
    chartsEl, h('h2', null, 'Events'), eventsTable);

  const renderInfo = () => {
    const p = process;
    const last = p.last;
    const use = limitUse(p);
    for (const b of buttons) if (b instanceof HTMLButtonElement) b.disabled = !p.alive;
    fill(info, h('dl', { class: 'facts' },
      h('dt', null, 'State'), h('dd', { testid: 'process-state' }, p.alive ? h('span', { class: 'ok' }, 'alive') : h('span', { class: 'muted' }, `exited ${fmt.time(p.exitedAtMs)}`)),
      h('dt', null, 'Command'), h('dd', null, h('code', null, p.commandLine ?? '–')),
      h('dt', null, 'Started'), h('dd', null, fmt.time(p.startTimeMs)),
      h('dt', null, 'RSS'), h('dd', { testid: 'process-rss', 'data-bytes': last?.rss ?? '' }, fmt.bytes(last?.rss)),
      h('dt', null, 'Heap'), h('dd', null, last?.heapUsed != null ? `${fmt.bytes(last.heapUsed)} used of ${fmt.bytes(last.heapTotal)}` : `${fmt.bytes(last?.v8Heap)} committed`),
      h('dt', null, 'Limit'), h('dd', null, p.limit ? `${fmt.bytes(p.limit.bytes)} (${p.limit.kind})${use !== null ? `, ${fmt.percent(use, p.limit.bytes)} used` : ''}` : 'none known'),
      h('dt', null, 'Last OOM'), h('dd', null, p.lastOom ? h('span', { class: 'bad' }, `${p.lastOom.kind} at ${fmt.time(p.lastOom.timeMs)}`) : 'none'),
    ));
    const v = p.verdict;
    fill(verdict, h('div', null, h('b', null, 'Verdict: '), verdictBadge(p)),
      v ? h('table', { class: 'grid compact', testid: 'verdict-series' },
        h('thead', null, h('tr', null, h('th', null, 'Series'), h('th', null, 'State'), h('th', { class: 'num' }, 'Slope'), h('th', { class: 'num' }, 'Level'), h('th', { class: 'num' }, 'Change'))),
        h('tbody', null, v.series.map((s) => h('tr', null, h('td', null, s.name), h('td', null, h('span', { class: `status-${s.state}` }, s.state)),
          h('td', { class: 'num' }, fmt.rate(s.slopeBytesPerHour)), h('td', { class: 'num' }, fmt.bytes(s.levelBytes)), h('td', { class: 'num' }, fmt.signedBytes(s.changeBytes)))))) : null);
  };

  const width = () => Math.max(300, chartsEl.clientWidth - 2);
  const refresh = async () => {
    const p = await api<Process>(`/api/processes/${id}`);
    // A process no longer alive (exited, or imported from its logs) is shown up to its last sample, not up to now.
    const to = p.alive ? Date.now() : p.lastSeenMs;
    const from = to - range.ms;
    const [series, evs] = await Promise.all([
      api<Series>(`/api/processes/${id}/samples?from=${from}&to=${to}&points=${width()}`),
      api<HeapEvent[]>(`/api/processes/${id}/events?from=${from}&to=${to}`),
    ]);
    if (!page.alive()) return;
    process = p;
    events = evs;
    renderInfo();
    const specs = chartSpecs(p, series);
    charts.forEach((c, i) => c.update(specs[i], series, width()));
    fill(eventsTable, evs.length === 0 ? h('p', { class: 'muted' }, 'No event in this range.') : h('table', { class: 'grid compact', testid: 'events-table' },
      h('thead', null, h('tr', null, h('th', null, 'Time'), h('th', null, 'Kind'), h('th', null, 'Detail'))),
      h('tbody', null, [...evs].reverse().map((e) => h('tr', { testid: 'event-row', 'data-kind': e.kind },
        h('td', null, fmt.time(e.timeMs)), h('td', null, h('span', { style: `color:${eventColors[e.kind] ?? '#e08000'}` }, e.kind)), h('td', null, eventDetail(e)))))));
  };
  renderInfo();
  const onResize = () => charts.forEach((c) => c.resize(width()));
  window.addEventListener('resize', onResize);
  page.onLeave(() => { window.removeEventListener('resize', onResize); charts.forEach((c) => c.plot?.destroy()); });

  const running = await guard(() => api<Job[]>('/api/jobs'));
  for (const j of (running ?? []).filter((j) => String(j.processId) === id && (j.state === 'running' || j.state === 'queued')).reverse()) trackJob(page, j, jobs, () => void refresh());
  if (range.refreshMs) page.every(range.refreshMs, refresh);
  else await refresh();
}

function eventDetail(e: HeapEvent): HTMLElement | string {
  const d = e.detail ?? {};
  const snapshotId = d['snapshotId'];
  const text = Object.entries(d).filter(([k]) => k !== 'snapshotId').map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(', ');
  return typeof snapshotId === 'number' ? h('span', null, h('a', { href: `#/snapshot/${snapshotId}` }, `snapshot #${snapshotId}`), text ? ` ${text}` : '') : text;
}
