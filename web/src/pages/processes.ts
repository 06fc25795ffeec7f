import { api, HeapEvent, Host, Process } from '../api';
import { Page } from '../app';
import { h, fill } from '../dom';
import * as fmt from '../format';

/** The figure a limit is reached by: heap used for V8's heap limit, the cgroup's usage for its limit, else RSS. */
export function limitUse(p: Process): number | null {
  const last = p.last;
  if (!last || !p.limit) return null;
  if (p.limit.kind === 'heap') return last.heapUsed ?? null;
  if (p.limit.kind === 'cgroup') return last.cgroupUsage ?? last.rss ?? null;
  return last.rss ?? null;
}

export function verdictBadge(p: Process): HTMLElement {
  if (!p.verdict) return h('span', { class: 'muted', testid: 'verdict' }, 'no verdict yet');
  // While collecting (grey: nothing is judged yet) the text says how long until the verdict may call it steady.
  return h('span', { class: `verdict status-${p.verdict.status}`, testid: 'verdict', 'data-status': p.verdict.status, title: p.verdict.status }, p.verdict.text);
}

export function processName(p: Process): string {
  return p.pm2Name ? `${p.pm2Name} (${p.name})` : p.name;
}

/** The event kinds that are OOM deaths (docs/api.md's *event*), and how far back the fleet's list of them reaches. */
const oomKinds = ['exited-oom-kill', 'oom-kill', 'heap-oom'];
const oomWindowMs = 7 * 24 * 3600_000;

/** A filter of /api/processes the user types: an input that suggests every value seen so far (the API matches exactly). */
class TextFilter {
  readonly input: HTMLInputElement;
  private readonly list: HTMLDataListElement;
  private readonly seen = new Set<string>();

  constructor(readonly key: 'container' | 'pod' | 'app', placeholder: string, changed: () => void) {
    this.list = h('datalist', { id: `filter-${key}-values` });
    // 'search' also comes when the field's clear button empties it, which is no 'change' until the field loses focus.
    this.input = h('input', { type: 'search', placeholder, list: this.list.id, size: 18, testid: `filter-${key}`, onchange: changed, onsearch: changed });
  }

  get value(): string { return this.input.value.trim(); }

  get elements(): HTMLElement[] { return [this.input, this.list]; }

  /** Adds the values of these rows to the suggestions. */
  learn(values: (string | null | undefined)[]): void {
    for (const v of values) {
      if (!v || this.seen.has(v)) continue;
      this.seen.add(v);
      this.list.appendChild(h('option', { value: v }));
    }
  }
}

/** The hosts (docs/fleet.md): each a button that shows its processes only; the selected one again shows them all. */
function hostsList(hosts: Host[], selected: string | null, select: (host: string | null) => void): HTMLElement {
  return h('div', { class: 'toolbar', testid: 'hosts' },
    h('span', { class: 'muted' }, 'Hosts:'),
    hosts.map((host) => h('button', {
      class: host.name === selected ? 'selected' : '', testid: 'host', 'data-host': host.name,
      title: host.local ? 'this server' : `agent ${host.agent ?? ''}, last heard ${fmt.time(host.lastSeen)}${host.lostSamples ? `, ${host.lostSamples} samples lost to its buffer` : ''}`,
      onclick: () => select(host.name === selected ? null : host.name),
    }, `${host.name} (${host.processCount})`)));
}

export async function processesPage(page: Page): Promise<void> {
  const body = h('tbody');
  const updated = h('span', { class: 'muted' });
  const hostsBar = h('div');
  const oomBody = h('tbody');
  let selected: string | null = null;
  const refreshSoon = () => void refresh();
  const filters = [new TextFilter('container', 'container', refreshSoon), new TextFilter('pod', 'pod (namespace/name)', refreshSoon), new TextFilter('app', 'app (pm2 or process name)', refreshSoon)];
  const [containerFilter, podFilter, appFilter] = filters;
  const leakingNow = h('input', { type: 'checkbox', testid: 'filter-leaking', onchange: refreshSoon });
  fill(page.root,
    h('div', { class: 'toolbar' }, h('h1', null, 'Processes'), updated),
    hostsBar,
    h('div', { class: 'toolbar', testid: 'filters' },
      h('span', { class: 'muted' }, 'Filter:'), filters.map((f) => f.elements),
      h('label', { class: 'small', title: 'alive processes whose verdict is growing, on every host' }, leakingNow, ' leaking now')),
    h('table', { class: 'grid', testid: 'processes-table' },
      h('thead', null, h('tr', null,
        h('th', null, 'Process'), h('th', null, 'Host'), h('th', null, 'Container'), h('th', null, 'Pod'), h('th', { class: 'num' }, 'PID'), h('th', null, 'State'),
        h('th', { class: 'num' }, 'RSS'), h('th', { class: 'num' }, 'Heap used / total'), h('th', { class: 'num' }, 'Limit'), h('th', { class: 'num' }, '% of limit'),
        h('th', null, 'Verdict'), h('th', null, 'Last OOM'))),
      body),
    h('h2', null, 'OOM deaths, every host, last 7 days'),
    h('table', { class: 'grid', testid: 'oom-table' },
      h('thead', null, h('tr', null, h('th', null, 'Time'), h('th', null, 'Kind'), h('th', null, 'Process'), h('th', null, 'Host'), h('th', null, 'Pod'))),
      oomBody));

  /** The API's query for the filters set: each one given must match exactly. */
  const query = (): string => {
    const params = new URLSearchParams();
    if (selected !== null) params.set('host', selected);
    for (const f of filters) if (f.value) params.set(f.key, f.value);
    if (leakingNow.checked) { params.set('verdict', 'growing'); params.set('alive', 'true'); }
    const text = params.toString();
    return text ? `/api/processes?${text}` : '/api/processes';
  };

  const refresh = async () => {
    const path = query();
    const oomQuery = oomKinds.map((k) => `kind=${k}`).join('&');
    const [hosts, processes, ooms] = await Promise.all([
      api<Host[]>('/api/hosts'),
      api<Process[]>(path),
      api<HeapEvent[]>(`/api/events?${oomQuery}&from=${Date.now() - oomWindowMs}`),
    ]);
    // The OOM deaths name processes that the filters may hide: those are looked up in the whole list.
    const byId = new Map(processes.map((p) => [p.id, p]));
    const all = ooms.some((e) => e.processId != null && !byId.has(e.processId)) ? await api<Process[]>('/api/processes') : [];
    for (const p of all) byId.set(p.id, p);
    // A reply to an older set of filters is dropped: the user changed them meanwhile.
    if (!page.alive() || path !== query()) return;
    // One host only (the server's own) needs no list.
    fill(hostsBar, hosts.length > 1 ? hostsList(hosts, selected, (host) => { selected = host; void refresh(); }) : null);
    containerFilter.learn([...processes, ...all].map((p) => p.container));
    podFilter.learn([...processes, ...all].map((p) => p.pod));
    appFilter.learn([...processes, ...all].map((p) => p.pm2Name ?? p.name));
    updated.textContent = `updated ${fmt.time(Date.now())}`;
    fillOoms(oomBody, ooms, byId);
    if (processes.length === 0) {
      const filtered = path !== '/api/processes';
      fill(body, h('tr', null, h('td', { colspan: 12, class: 'muted', testid: 'no-process' }, filtered
        ? 'No process matches these filters.'
        : 'No process watched yet: start heapdog serve with --pid, --all or --pm2, or an agent on another host (docs/fleet.md).')));
      return;
    }
    fill(body, processes.map((p) => {
      const last = p.last;
      const use = limitUse(p);
      const heapUsed = last?.heapUsed ?? last?.v8Heap ?? null;
      const heapTotal = last?.heapTotal ?? null;
      const share = use !== null && p.limit ? use / p.limit.bytes : null;
      return h('tr', { testid: 'process-row', 'data-process-id': p.id, 'data-pid': p.pid },
        h('td', null, h('a', { href: `#/process/${p.id}`, testid: 'process-link' }, processName(p)), p.commandLine ? h('div', { class: 'muted small ellipsis', title: p.commandLine }, p.commandLine) : null),
        h('td', { testid: 'process-host' }, p.host),
        h('td', { testid: 'process-container' }, p.container ?? '–'),
        h('td', { testid: 'process-pod' }, p.pod ?? '–'),
        h('td', { class: 'num' }, p.pid),
        h('td', null, p.alive ? h('span', { class: 'ok' }, 'alive') : h('span', { class: 'muted' }, `exited ${fmt.time(p.exitedAtMs)}`)),
        h('td', { class: 'num', testid: 'process-rss', 'data-bytes': last?.rss ?? '' }, fmt.bytes(last?.rss)),
        h('td', { class: 'num' }, `${fmt.bytes(heapUsed)} / ${fmt.bytes(heapTotal)}`, last && last.heapUsed == null && last.v8Heap != null ? h('span', { class: 'muted small', title: 'committed V8 heap: no runtime figures' }, ' v8') : null),
        h('td', { class: 'num' }, p.limit ? `${fmt.bytes(p.limit.bytes)} ${p.limit.kind}` : '–'),
        h('td', { class: 'num' + (share !== null && share > 0.8 ? ' bad' : '') }, share === null ? '–' : `${(share * 100).toFixed(1)} %`),
        h('td', null, verdictBadge(p)),
        h('td', null, p.lastOom ? h('span', { class: 'bad', title: p.lastOom.kind }, `${p.lastOom.kind} ${fmt.time(p.lastOom.timeMs)}`) : p.oomKillSuspected ? h('span', { class: 'bad' }, 'OOM kill suspected') : '–'));
    }));
  };
  page.every(3000, refresh);
}

/** The fleet's OOM deaths, newest first, each with its process, host and pod where the store knows them. */
function fillOoms(el: HTMLElement, ooms: HeapEvent[], processes: Map<number, Process>): void {
  if (ooms.length === 0) {
    fill(el, h('tr', null, h('td', { colspan: 5, class: 'muted' }, 'No OOM death recorded in the last 7 days.')));
    return;
  }
  fill(el, [...ooms].sort((a, b) => b.timeMs - a.timeMs).slice(0, 50).map((e) => {
    const p = e.processId != null ? processes.get(e.processId) : undefined;
    return h('tr', { testid: 'oom-row', 'data-process-id': e.processId ?? '' },
      h('td', null, fmt.time(e.timeMs)),
      h('td', null, h('span', { class: 'bad' }, e.kind)),
      h('td', null, p ? h('a', { href: `#/process/${p.id}` }, processName(p), ` (pid ${p.pid})`) : e.processId != null ? `process ${e.processId}` : '–'),
      h('td', null, p?.host ?? '–'),
      h('td', null, p?.pod ?? '–'));
  }));
}
