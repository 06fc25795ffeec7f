import { api, ApiError, ClassObjects, Diff, DiffClass, Dominators, DomNode, HeapObject, Inspect, Job, Paths, Snapshot, Summary, SummaryClass } from '../api';
import { SnapshotState } from '../contract';
import { Page, guard, objectHref, objectLink, progressBar } from '../app';
import { h, fill } from '../dom';
import * as fmt from '../format';
import { codeLocation } from '../location';

const summaries = new Map<string, Promise<Summary>>();

/** The full class summary of a snapshot, fetched once per page load (snapshots do not change once ready). */
function summaryOf(id: string): Promise<Summary> {
  let s = summaries.get(id);
  if (!s) {
    s = api<Summary>(`/api/snapshots/${id}/summary?top=0&objects=20`);
    s.catch(() => summaries.delete(id));
    summaries.set(id, s);
  }
  return s;
}

const tabs: [string, string][] = [['summary', 'Summary'], ['comparison', 'Comparison'], ['object', 'Retainers'], ['dominators', 'Dominators'], ['statistics', 'Statistics']];

/** An object as DevTools names it: class, name, @id link. */
function objectLabel(snapshotId: string, o: { id: number; className: string; name?: string; type?: string }): HTMLElement {
  const name = o.name && o.name !== o.className ? o.name : '';
  return h('span', { class: 'obj' }, h('span', { class: `cls type-${o.type ?? ''}` }, o.className),
    name ? [' ', h('span', { class: 'objname', title: name }, o.type === 'string' || o.type === 'concatenated string' || o.type === 'sliced string' ? JSON.stringify(name.slice(0, 80)) : name.slice(0, 80))] : null,
    ' ', objectLink(snapshotId, o.id));
}

function sizeCells(value: number, total: number): HTMLElement[] {
  return [h('td', { class: 'num' }, fmt.bytes(value)), h('td', { class: 'num pct' }, fmt.percent(value, total))];
}

export async function snapshotPage(page: Page): Promise<void> {
  const [id, tabParam, nodeId] = page.params;
  const tab = tabParam ?? 'summary';
  let snap = await api<Snapshot>(`/api/snapshots/${id}`);
  const content = h('div', { class: 'tab-content' });
  const jump = h('input', { type: 'text', placeholder: 'jump to @id', testid: 'object-jump', size: 14, value: nodeId ? `@${nodeId}` : '' });
  const jumpForm = h('form', { class: 'jump', onsubmit: (e: Event) => {
    e.preventDefault();
    const m = /^@?(\d+)$/.exec(jump.value.trim());
    if (m) location.hash = objectHref(id, m[1]);
    else jump.classList.add('invalid');
  } }, jump, h('button', { type: 'submit' }, 'Go'));
  const header = h('div', { class: 'snapshot-facts' });
  fill(page.root,
    h('div', { class: 'toolbar' }, h('h1', { testid: 'snapshot-title' }, `Snapshot #${id}: ${snap.name}`), jumpForm),
    header,
    h('div', { class: 'tabs' }, tabs.map(([key, label]) => h('a', {
      href: `#/snapshot/${id}/${key}${key === 'object' && nodeId ? `/${nodeId}` : ''}`,
      class: key === tab ? 'active' : '', testid: `tab-${key}`,
    }, label))),
    content);

  const renderHeader = () => fill(header,
    `${fmt.bytes(snap.bytes)} file · `, snap.nodeCount !== null ? `${fmt.count(snap.nodeCount)} nodes · ${fmt.count(snap.edgeCount)} edges · heap ${fmt.bytes(snap.totalSize)} · ` : '',
    `${snap.source}`, snap.processId !== null ? [' from ', h('a', { href: `#/process/${snap.processId}` }, `pid ${snap.pid}`)] : '', ` · ${fmt.time(snap.createdMs)} · `,
    h('span', { class: `state state-${snap.state}`, testid: 'snapshot-state', 'data-state': snap.state }, snap.state));
  renderHeader();

  // Analyses need the snapshot ready: wait for its job, showing its progress.
  if (snap.state !== SnapshotState.Ready) {
    const waiting = h('div', { testid: 'snapshot-waiting' });
    fill(content, waiting);
    await new Promise<void>((resolve) => page.every(1000, async () => {
      if (snap.state === SnapshotState.Ready) return;
      snap = await api<Snapshot>(`/api/snapshots/${id}`);
      renderHeader();
      if (snap.state === SnapshotState.Failed) { fill(waiting, h('p', { class: 'bad', testid: 'snapshot-error' }, `Analysis failed: ${snap.error ?? 'no reason given'}`), h('button', { onclick: async () => { await guard(() => api(`/api/snapshots/${id}/analyze`, { method: 'POST' })); snap.state = SnapshotState.New; } }, 'Analyse again')); return; }
      if (snap.state === SnapshotState.Ready) { resolve(); return; }
      const jobs = await api<Job[]>('/api/jobs');
      const job = jobs.find((j) => (j.snapshotIds ?? []).includes(snap.id) && (j.state === 'running' || j.state === 'queued'));
      fill(waiting, h('p', null, `The snapshot is ${snap.state === SnapshotState.New ? 'waiting for its analysis' : 'being analysed'}${job?.phase ? `: ${job.phase}` : ''}.`), progressBar(job?.fraction ?? null, 'snapshot-analysis-progress'));
    }));
    if (!page.alive()) return;
  }
  fill(content, h('p', { class: 'muted' }, 'Loading…'));
  if (tab === 'summary') await summaryTab(page, id, content);
  else if (tab === 'comparison') await comparisonTab(page, snap, content);
  else if (tab === 'object') await objectTab(page, id, nodeId, content);
  else if (tab === 'dominators') await dominatorsTab(page, id, content);
  else if (tab === 'statistics') await statisticsTab(page, id, content);
}

type SortKey = 'className' | 'distance' | 'count' | 'shallowSize' | 'retainedSize';

async function summaryTab(page: Page, id: string, content: HTMLElement): Promise<void> {
  const summary = await summaryOf(id);
  if (!page.alive()) return;
  const total = summary.totalSize;
  let sort: SortKey = 'retainedSize';
  let descending = true;
  const limit = 500;
  const filter = h('input', { type: 'search', placeholder: 'Class filter', testid: 'summary-filter', value: '' });
  const body = h('tbody');
  const shown = h('span', { class: 'muted small', testid: 'summary-count' });
  const headers: [SortKey, string, boolean][] = [['className', 'Constructor', false], ['distance', 'Distance', true], ['count', 'Count', true], ['shallowSize', 'Shallow size', true], ['retainedSize', 'Retained size', true]];
  const thead = h('tr');
  const render = () => {
    const text = filter.value.trim().toLowerCase();
    const rows = summary.summary.filter((c) => !text || c.className.toLowerCase().includes(text));
    rows.sort((a, b) => {
      const r = sort === 'className' ? a.className.localeCompare(b.className) : a[sort] - b[sort];
      return descending ? -r : r;
    });
    shown.textContent = rows.length > limit ? `${limit} of ${rows.length} classes shown (filter to see others)` : `${rows.length} classes`;
    fill(thead, headers.map(([key, label, num]) => h('th', {
      class: `sortable${num ? ' num' : ''}${key === sort ? ' sorted' : ''}`, colspan: key === 'shallowSize' || key === 'retainedSize' ? 2 : undefined, testid: `sort-${key}`,
      onclick: () => { if (sort === key) descending = !descending; else { sort = key; descending = key !== 'className'; } render(); },
    }, label, key === sort ? (descending ? ' ▼' : ' ▲') : '')));
    fill(body, rows.slice(0, limit).map((c) => classRow(id, c, total)));
  };
  filter.addEventListener('input', render);
  render();
  fill(content,
    h('div', { class: 'toolbar' }, filter, shown),
    h('table', { class: 'grid tree', testid: 'summary-table' }, h('thead', null, thead), body),
    h('h2', null, 'Largest objects'),
    h('table', { class: 'grid', testid: 'largest-objects' },
      h('thead', null, h('tr', null, h('th', null, 'Object'), h('th', { class: 'num' }, 'Distance'), h('th', { class: 'num', colspan: 2 }, 'Shallow size'), h('th', { class: 'num', colspan: 2 }, 'Retained size'))),
      h('tbody', null, summary.largestObjects.map((o) => objectRow(id, o, total)))));
}

function objectRow(id: string, o: HeapObject, total: number, indent = false): HTMLElement {
  return h('tr', { testid: 'object-row', class: indent ? 'child' : '' },
    h('td', { class: indent ? 'indent' : '' }, objectLabel(id, o)), h('td', { class: 'num' }, fmt.distance(o.distance)),
    ...sizeCells(o.shallowSize, total), ...sizeCells(o.retainedSize, total));
}

function classRow(id: string, c: SummaryClass, total: number): HTMLElement {
  let children: HTMLElement[] | null = null;
  const toggle = h('button', { class: 'toggle', testid: 'summary-expand', title: 'show its objects' }, '▸');
  const row = h('tr', { testid: 'summary-row', 'data-class-key': c.classKey, 'data-class-name': c.className },
    h('td', null, toggle, h('span', { class: 'cls' }, c.className), h('span', { class: 'muted' }, ` ×${fmt.count(c.count)}`)),
    h('td', { class: 'num' }, fmt.distance(c.distance)), h('td', { class: 'num' }, fmt.count(c.count)),
    ...sizeCells(c.shallowSize, total), ...sizeCells(c.retainedSize, total));
  toggle.addEventListener('click', async () => {
    if (children) {
      const open = toggle.textContent === '▾';
      for (const child of children) child.hidden = open;
      toggle.textContent = open ? '▸' : '▾';
      return;
    }
    toggle.disabled = true;
    const answer = await guard(() => api<ClassObjects>(`/api/snapshots/${id}/classes/objects?classKey=${encodeURIComponent(c.classKey)}&limit=100`));
    toggle.disabled = false;
    if (!answer) return;
    children = answer.objects.map((o) => objectRow(id, o, total, true));
    if (answer.count > answer.objects.length) children.push(h('tr', { class: 'child' }, h('td', { colspan: 7, class: 'muted indent' }, `${answer.objects.length} of ${fmt.count(answer.count)} objects (largest retained first)`)));
    row.after(...children);
    toggle.textContent = '▾';
  });
  return row;
}

async function comparisonTab(page: Page, snap: Snapshot, content: HTMLElement): Promise<void> {
  const id = String(snap.id);
  const all = await api<Snapshot[]>('/api/snapshots');
  if (!page.alive()) return;
  const candidates = all.filter((s) => s.id !== snap.id && s.state === SnapshotState.Ready);
  const chosen = page.query.get('base') ?? String(candidates.find((s) => s.processId === snap.processId && s.createdMs <= snap.createdMs)?.id ?? candidates[0]?.id ?? '');
  const select = h('select', { testid: 'compare-base' },
    h('option', { value: '' }, '(choose a base snapshot)'),
    candidates.map((s) => h('option', { value: s.id, selected: String(s.id) === chosen }, `#${s.id} ${s.name}${s.pid ? ` (pid ${s.pid})` : ''} ${fmt.time(s.createdMs)}`)));
  select.addEventListener('change', () => { location.hash = `#/snapshot/${id}/comparison?base=${select.value}`; });
  const result = h('div');
  fill(content, h('div', { class: 'toolbar' }, h('label', null, 'Base snapshot: ', select), h('span', { class: 'muted small' }, 'objects new in this snapshot and deleted since the base, by class')), result);
  if (!chosen) { fill(result, h('p', { class: 'muted' }, 'No other ready snapshot to compare with.')); return; }
  const diff = await api<Diff>(`/api/snapshots/${id}/compare?base=${chosen}&top=0`);
  if (!page.alive()) return;
  const rows = [...diff.classes].sort((a, b) => Math.abs(b.sizeDelta) - Math.abs(a.sizeDelta) || a.classKey.localeCompare(b.classKey));
  const filter = h('input', { type: 'search', placeholder: 'Class filter', testid: 'compare-filter' });
  const body = h('tbody');
  const render = () => {
    const text = filter.value.trim().toLowerCase();
    fill(body, rows.filter((c) => !text || c.className.toLowerCase().includes(text)).slice(0, 500).map((c: DiffClass) => h('tr', { testid: 'compare-row', 'data-class-name': c.className },
      h('td', null, c.className), h('td', { class: 'num' }, fmt.count(c.newCount)), h('td', { class: 'num' }, fmt.count(c.deletedCount)),
      h('td', { class: 'num' + (c.countDelta > 0 ? ' grow' : '') }, fmt.signedCount(c.countDelta)), h('td', { class: 'num' }, fmt.bytes(c.allocSize)),
      h('td', { class: 'num' }, fmt.bytes(c.freedSize)), h('td', { class: 'num' + (c.sizeDelta > 0 ? ' grow' : '') }, fmt.signedBytes(c.sizeDelta)),
      h('td', { class: 'num' }, fmt.signedBytes(c.retainedSizeDelta)))));
  };
  filter.addEventListener('input', render);
  render();
  fill(result,
    h('p', null, `Base heap ${fmt.bytes(diff.baseTotalSize)} → this heap ${fmt.bytes(diff.targetTotalSize)} (${fmt.signedBytes(diff.targetTotalSize - diff.baseTotalSize)}); ${fmt.count(diff.classCount)} classes changed. `, filter),
    h('table', { class: 'grid', testid: 'compare-table' },
      h('thead', null, h('tr', null, h('th', null, 'Constructor'), h('th', { class: 'num' }, '# New'), h('th', { class: 'num' }, '# Deleted'), h('th', { class: 'num' }, '# Delta'),
        h('th', { class: 'num' }, 'Alloc. size'), h('th', { class: 'num' }, 'Freed size'), h('th', { class: 'num' }, 'Size delta ▼'), h('th', { class: 'num' }, 'Retained delta'))),
      body));
}

async function objectTab(page: Page, id: string, nodeId: string | undefined, content: HTMLElement): Promise<void> {
  if (!nodeId) {
    const summary = await summaryOf(id);
    if (!page.alive()) return;
    fill(content, h('p', null, 'Pick an object: type its @id above, or start from one of the largest:'),
      h('ul', null, summary.largestObjects.slice(0, 10).map((o) => h('li', null, objectLabel(id, o), ` retains ${fmt.bytes(o.retainedSize)}`))));
    return;
  }
  const [inspect, paths] = await Promise.all([
    api<Inspect>(`/api/snapshots/${id}/objects/${nodeId}?limit=100`),
    api<Paths>(`/api/snapshots/${id}/objects/${nodeId}/paths?k=5`).catch((e: ApiError) => e),
  ]);
  if (!page.alive()) return;
  const o = inspect.object;
  const total = (await summaryOf(id).catch(() => null))?.totalSize ?? 0;
  fill(content,
    h('div', { class: 'object-header', testid: 'object-header', 'data-node-id': o.id },
      h('h2', null, objectLabel(id, o)),
      h('dl', { class: 'facts' },
        h('dt', null, 'Type'), h('dd', null, o.type),
        h('dt', null, 'Shallow size'), h('dd', null, fmt.bytes(o.shallowSize)),
        h('dt', null, 'Retained size'), h('dd', null, `${fmt.bytes(o.retainedSize)}${total ? ` (${fmt.percent(o.retainedSize, total)})` : ''}`),
        h('dt', null, 'Distance'), h('dd', null, fmt.distance(o.distance)),
        inspect.location ? [h('dt', null, 'Location'), h('dd', null, codeLocation(inspect.location, inspect.original, inspect.sourceMapNote, 'object-location'))] : null)),
    h('h2', null, 'Shortest retainer paths'),
    paths instanceof ApiError ? h('p', { class: 'bad' }, paths.message) : paths.paths.length === 0 ? h('p', { class: 'muted' }, 'No path from the GC roots (weak edges excluded): unreachable or held only weakly.') :
      h('ol', { class: 'paths', testid: 'retainer-paths' }, paths.paths.map((p) => h('li', { testid: 'retainer-path' },
        p.links.map((l, i) => h('span', { class: 'link-step' }, i > 0 ? h('span', { class: 'edge' }, ` → ${edgeText(l.edgeType, l.edge)} → `) : null, objectLabel(id, l.object)))))),
    h('h2', null, `Retainers (${fmt.count(inspect.retainerCount)})`),
    h('table', { class: 'grid', testid: 'retainers-table' },
      h('thead', null, h('tr', null, h('th', null, 'Edge'), h('th', null, 'Retainer'), h('th', { class: 'num' }, 'Distance'), h('th', { class: 'num' }, 'Shallow'), h('th', { class: 'num' }, 'Retained'))),
      h('tbody', null, inspect.retainers.map((r) => h('tr', { testid: 'retainer-row' }, h('td', null, h('code', null, edgeText(r.edgeType, r.edge))), h('td', null, objectLabel(id, r.from)),
        h('td', { class: 'num' }, fmt.distance(r.from.distance)), h('td', { class: 'num' }, fmt.bytes(r.from.shallowSize)), h('td', { class: 'num' }, fmt.bytes(r.from.retainedSize)))))),
    inspect.retainerCount > inspect.retainers.length ? h('p', { class: 'muted small' }, `first ${inspect.retainers.length} of ${fmt.count(inspect.retainerCount)}`) : null,
    h('h2', null, `Edges (${fmt.count(inspect.edgeCount)})`),
    h('table', { class: 'grid', testid: 'edges-table' },
      h('thead', null, h('tr', null, h('th', null, 'Edge'), h('th', null, 'Object'), h('th', { class: 'num' }, 'Shallow'), h('th', { class: 'num' }, 'Retained'))),
      h('tbody', null, inspect.edges.map((e) => h('tr', { testid: 'edge-row' }, h('td', null, h('code', null, edgeText(e.edgeType, e.edge))), h('td', null, objectLabel(id, e.to)),
        h('td', { class: 'num' }, fmt.bytes(e.to.shallowSize)), h('td', { class: 'num' }, fmt.bytes(e.to.retainedSize)))))),
    inspect.edgeCount > inspect.edges.length ? h('p', { class: 'muted small' }, `first ${inspect.edges.length} of ${fmt.count(inspect.edgeCount)}`) : null,
    h('h2', null, 'Dominators (immediate first)'),
    h('ol', { class: 'dominators', testid: 'dominator-chain' }, inspect.dominators.map((d) => h('li', null, objectLabel(id, d), ` retains ${fmt.bytes(d.retainedSize)}`))));
}

function edgeText(type: string | null | undefined, edge: string | null | undefined): string {
  if (edge == null) return type ?? '';
  if (type === 'element' || type === 'hidden') return `[${edge}]`;
  if (type === 'context') return `context.${edge}`;
  if (type === 'internal' || type === 'weak' || type === 'shortcut') return `${edge} (${type})`;
  return edge;
}

async function dominatorsTab(page: Page, id: string, content: HTMLElement): Promise<void> {
  const tree = await api<Dominators>(`/api/snapshots/${id}/dominators?depth=2&width=20`);
  if (!page.alive()) return;
  const body = h('tbody');
  const total = tree.totalSize;
  const addNode = (node: DomNode, depth: number, after: HTMLElement | null, parentRows: HTMLElement[]): HTMLElement => {
    const toggle = h('button', { class: 'toggle', testid: 'dominator-expand', disabled: node.childCount === 0 }, node.childCount === 0 ? ' ' : '▸');
    const cell = h('td', null, toggle, objectLabel(id, node.object));
    cell.style.paddingLeft = `${depth * 16 + 4}px`;
    const row = h('tr', { testid: 'dominator-row', 'data-node-id': node.object.id },
      cell, h('td', { class: 'num' }, fmt.count(node.childCount)), ...sizeCells(node.object.shallowSize, total), ...sizeCells(node.object.retainedSize, total));
    if (after) after.after(row); else body.appendChild(row);
    parentRows.push(row);
    let childRows: HTMLElement[] | null = null;
    const show = (children: DomNode[]) => {
      childRows = [];
      let last: HTMLElement = row;
      for (const child of children) {
        const rows: HTMLElement[] = [];
        addNode(child, depth + 1, last, rows);
        last = rows[rows.length - 1];
        childRows.push(...rows);
      }
      if (node.childCount > children.length) {
        const more = h('tr', { class: 'child' }, h('td', { colspan: 6, class: 'muted' }, `${children.length} of ${fmt.count(node.childCount)} dominated objects`));
        more.firstElementChild!.setAttribute('style', `padding-left:${(depth + 1) * 16 + 4}px`);
        last.after(more);
        childRows.push(more);
      }
      parentRows.push(...childRows);
      toggle.textContent = '▾';
    };
    toggle.addEventListener('click', async () => {
      if (childRows) {
        const open = toggle.textContent === '▾';
        for (const r of childRows) r.hidden = open;
        toggle.textContent = open ? '▸' : '▾';
        return;
      }
      if (node.children.length === 0) {
        toggle.disabled = true;
        const sub = await guard(() => api<Dominators>(`/api/snapshots/${id}/dominators?of=${node.object.id}&depth=1&width=50`));
        toggle.disabled = false;
        if (!sub) return;
        node.children = sub.root.children;
      }
      show(node.children);
    });
    if (depth === 0 && node.children.length > 0) show(node.children);
    return row;
  };
  addNode(tree.root, 0, null, []);
  fill(content, h('p', { class: 'muted small' }, 'Each object with the objects only it keeps alive; expand to go down the tree.'),
    h('table', { class: 'grid tree', testid: 'dominators-table' },
      h('thead', null, h('tr', null, h('th', null, 'Object'), h('th', { class: 'num' }, 'Dominates'), h('th', { class: 'num', colspan: 2 }, 'Shallow size'), h('th', { class: 'num', colspan: 2 }, 'Retained size'))),
      body));
}

const statisticLabels: [keyof Summary['statistics'], string][] = [
  ['v8Heap', 'V8 heap'], ['code', 'Code'], ['strings', 'Strings'], ['jsArrays', 'JS arrays'], ['typedArrays', 'Typed arrays'],
  ['system', 'System objects'], ['native', 'Native (outside the V8 heap)'], ['total', 'Total'],
];

async function statisticsTab(page: Page, id: string, content: HTMLElement): Promise<void> {
  const summary = await summaryOf(id);
  if (!page.alive()) return;
  const stats = summary.statistics;
  const total = stats['total'] ?? summary.totalSize;
  fill(content,
    h('table', { class: 'grid stats', testid: 'statistics-table' },
      h('thead', null, h('tr', null, h('th', null, 'Kind'), h('th', { class: 'num' }, 'Size'), h('th', { class: 'num' }, 'Share'), h('th', null, ''))),
      h('tbody', null, statisticLabels.filter(([key]) => key in stats).map(([key, label]) => h('tr', { testid: 'statistics-row', 'data-kind': key },
        h('td', null, key === 'total' ? h('b', null, label) : label), h('td', { class: 'num' }, fmt.bytes(stats[key])), h('td', { class: 'num' }, fmt.percent(stats[key], total)),
        h('td', null, key === 'total' ? null : progressBar(total ? stats[key] / total : 0)))))),
    h('p', { class: 'muted small' }, `${fmt.count(summary.nodeCount)} nodes, ${fmt.count(summary.edgeCount)} edges, ${fmt.count(summary.classCount)} classes; file ${fmt.bytes(summary.fileSize)}.`,
      summary.timings ? ` Read in ${fmt.duration(summary.timings.readMs)}, analysed in ${fmt.duration(summary.timings.analyzeMs)}.` : ''));
}
