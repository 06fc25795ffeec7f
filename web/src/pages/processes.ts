import { api, Host, Process } from '../api';
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
  let selected: string | null = null;
  fill(page.root,
    h('div', { class: 'toolbar' }, h('h1', null, 'Processes'), updated),
    hostsBar,
    h('table', { class: 'grid', testid: 'processes-table' },
      h('thead', null, h('tr', null,
        h('th', null, 'Process'), h('th', null, 'Host'), h('th', { class: 'num' }, 'PID'), h('th', null, 'State'), h('th', { class: 'num' }, 'RSS'),
        h('th', { class: 'num' }, 'Heap used / total'), h('th', { class: 'num' }, 'Limit'), h('th', { class: 'num' }, '% of limit'),
        h('th', null, 'Verdict'), h('th', null, 'Last OOM'))),
      body));
  const refresh = async () => {
    const [hosts, processes] = await Promise.all([
      api<Host[]>('/api/hosts'),
      api<Process[]>(selected === null ? '/api/processes' : `/api/processes?host=${encodeURIComponent(selected)}`),
    ]);
    if (!page.alive()) return;
    // One host only (the server's own) needs no list.
    fill(hostsBar, hosts.length > 1 ? hostsList(hosts, selected, (host) => { selected = host; void refresh(); }) : null);
    updated.textContent = `updated ${fmt.time(Date.now())}`;
    if (processes.length === 0) {
      fill(body, h('tr', null, h('td', { colspan: 10, class: 'muted' }, 'No process watched yet: start heapdog serve with --pid, --all or --pm2, or an agent on another host (docs/fleet.md).')));
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
        h('td', { testid: 'process-host' }, p.container || p.pod ? `${p.host} · ${p.pod ?? p.container}` : p.host),
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
