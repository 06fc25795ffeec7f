import { api, Job, Leaks, Suspect } from '../api';
import { Page, objectLink } from '../app';
import { h, fill, Child } from '../dom';
import * as fmt from '../format';
import { codeLocation } from '../location';

/** Code names in backticks become <code>. */
function richText(text: string): Child[] {
  return text.split('`').map((part, i) => (i % 2 === 1 ? h('code', null, part) : part));
}

function objectRef(snapshotId: number | null, o: { id: number; className: string; name: string }): HTMLElement {
  const name = o.name && o.name !== o.className ? o.name.slice(0, 60) : '';
  return h('span', { class: 'obj' }, h('span', { class: 'cls' }, o.className), name ? [' ', h('span', { class: 'objname' }, name)] : null, ' ',
    snapshotId !== null ? objectLink(snapshotId, o.id) : h('span', { class: 'objid' }, `@${o.id}`));
}

function growthTable(s: Suspect): HTMLElement {
  const g = s.growth;
  const n = g.bytes.length;
  const head = h('tr', null, h('th', null, ''), ...Array.from({ length: n }, (_, i) => h('th', { class: 'num' }, `S${i + 1}`)), h('th', { class: 'num' }, 'per interval'));
  const rows = [
    g.counts ? h('tr', null, h('td', null, g.countUnit), ...g.counts.map((c) => h('td', { class: 'num' }, fmt.count(c))), h('td', { class: 'num grow' }, fmt.signedCount(g.countPerSnapshot))) : null,
    h('tr', null, h('td', null, 'bytes'), ...g.bytes.map((b) => h('td', { class: 'num' }, fmt.bytes(b))), h('td', { class: 'num grow' }, fmt.signedBytes(g.bytesPerSnapshot))),
    g.removed ? h('tr', null, h('td', null, 'removed'), ...g.removed.map((c) => h('td', { class: 'num' }, fmt.count(c))), h('td', null, '')) : null,
  ];
  return h('table', { class: 'grid compact growth', testid: 'suspect-growth' }, h('thead', null, head), h('tbody', null, rows));
}

type AllocationStack = NonNullable<Suspect['allocatedAt']>[number];

/** "app.js:9:15 (audit)": the first frame in the application's code (a built-in or Node may allocate for it), else the top one. */
function allocationSite(stack: AllocationStack): string {
  const f = stack.frames.find((x) => x.script !== '' && !x.script.startsWith('node:')) ?? stack.frames[0];
  return f ? `${f.script || `(script ${f.scriptId})`}:${f.line}:${f.column} (${f.function})` : '(no frames)';
}

/** What the source location is the start of: the text and HTML reports say the same. */
function locationKind(loc: NonNullable<Suspect['location']>): string {
  const name = loc.name ? ` \`${loc.name}\`` : '';
  return loc.kind === 'function' ? (name ? `function${name}` : 'anonymous function') : loc.kind === 'allocation' ? `allocating function${name}` : `constructor${name ? ` of${name}` : ''}`;
}

function suspectCard(s: Suspect, index: number, snapshotId: number | null): HTMLElement {
  const loc = s.location;
  const stacks = s.allocatedAt ?? [];
  return h('div', { class: `suspect severity-${s.severity}`, testid: 'suspect-card', 'data-severity': s.severity, 'data-kind': s.kind },
    h('div', { class: 'suspect-head' },
      h('span', { class: `badge severity-${s.severity}`, testid: 'suspect-severity' }, s.severity), ' ',
      h('span', { class: 'badge kind' }, s.kind), ' ',
      h('b', { testid: 'suspect-title' }, `${index + 1}. ${s.title}`)),
    h('p', { class: 'explanation', testid: 'suspect-explanation' }, richText(s.explanation)),
    h('dl', { class: 'facts' },
      h('dt', null, 'Accumulates in'), h('dd', { testid: 'suspect-point' }, s.accumulationPoint ? objectRef(snapshotId, s.accumulationPoint) : h('span', { class: 'muted' }, 'only GC roots hold it')),
      h('dt', null, 'Property path'), h('dd', null, h('code', { testid: 'suspect-property-path' }, s.propertyPath)),
      s.storedAt ? [h('dt', null, 'Stored at'), h('dd', { testid: 'suspect-stored-at' },
        codeLocation(`${s.storedAt.script}:${s.storedAt.line}:${s.storedAt.column}`, s.storedAt.original, s.storedAt.sourceMapNote), ' ',
        h('code', { class: 'source-line' }, s.storedAt.text), s.storedAt.name ? [' in ', h('code', null, s.storedAt.name)] : null)] : null,
      stacks.length ? [h('dt', null, 'Allocated at'), h('dd', { testid: 'suspect-allocated-at' }, stacks.map((a, i) => [i ? h('br', null) : null,
        h('code', null, allocationSite(a)), ` ${fmt.count(a.count)} new objects (${fmt.bytes(a.bytes)})`]))] : null,
      h('dt', null, 'Source'), h('dd', { testid: 'suspect-location' }, loc ? [codeLocation(`${loc.script || `(script ${loc.scriptId})`}:${loc.line}:${loc.column}`, loc.original, loc.sourceMapNote), ` (${locationKind(loc)})`] : h('span', { class: 'muted' }, 'unknown')),
      h('dt', null, 'New objects'), h('dd', null, `${fmt.count(s.newObjects)} (${fmt.bytes(s.newBytes)})`, s.mergedPoints > 0 ? `, ${s.mergedPoints} similar points merged` : ''),
      s.classes.length ? [h('dt', null, 'Classes'), h('dd', null, s.classes.map((c, i) => [i ? ', ' : '', h('span', { class: 'cls' }, c.className), ` ×${fmt.count(c.count)} (${fmt.bytes(c.bytes)})`]))] : null,
      s.holds.length ? [h('dt', null, 'Holds'), h('dd', { testid: 'suspect-holds' }, s.holds.map((c, i) => [i ? ', ' : '', h('span', { class: 'cls' }, c.className), ` ×${fmt.count(c.count)} (${fmt.bytes(c.bytes)})`]))] : null),
    growthTable(s),
    h('div', { class: 'retainer-path', testid: 'suspect-retainer-path' },
      h('span', { class: 'muted small' }, `retainer path (${s.retainerPathLength} objects, root first): `),
      s.retainerPath.map((link, i) => link.object == null
        ? h('span', { class: 'muted' }, ` → … ${link.omittedLinks} links … `)
        : h('span', { class: 'link-step' }, i > 0 ? h('span', { class: 'edge' }, ` → ${link.edge ?? ''} → `) : null, objectRef(snapshotId, link.object)))));
}

/** The leak report; object links open in snapshotId (the last snapshot, whose ids the report names). */
export function renderLeaks(leaks: Leaks, snapshotId: number | null): HTMLElement {
  return h('div', { class: 'leaks', testid: 'leaks-report' },
    h('p', null, `${leaks.snapshots.length} snapshots: `, leaks.snapshots.map((s, i) => [i ? ' → ' : '', `S${i + 1} ${fmt.bytes(s.totalSize)}`]),
      `. ${fmt.count(leaks.newObjects)} new objects (${fmt.bytes(leaks.newBytes)}); ${leaks.suspectCount} suspect${leaks.suspectCount === 1 ? '' : 's'}.`),
    leaks.suspects.length === 0 ? h('p', { class: 'ok', testid: 'no-suspects' }, 'No suspect: nothing grew from the first snapshot to the last.') : leaks.suspects.map((s, i) => suspectCard(s, i, snapshotId)));
}

export async function leaksPage(page: Page): Promise<void> {
  const jobId = page.query.get('job');
  const ids = page.query.get('snapshots');
  const out = h('div', null, h('p', { class: 'muted' }, 'Finding leaks… (each snapshot is read once)'));
  fill(page.root, h('h1', null, 'Leak report'), out);
  if (jobId) {
    const job = await api<Job>(`/api/jobs/${jobId}`);
    if (!page.alive()) return;
    if (job.state !== 'done' || job.kind !== 'hunt') {
      fill(out, h('p', null, `Job #${job.id} (${job.kind}) is ${job.state}: `, h('a', { href: `#/job/${job.id}` }, 'follow it')));
      return;
    }
    fill(out, h('p', { class: 'muted small' }, 'From hunt ', h('a', { href: `#/job/${job.id}` }, `#${job.id}`), job.snapshotIds?.length ? [' over snapshots ', job.snapshotIds.map((s, i) => [i ? ', ' : '', h('a', { href: `#/snapshot/${s}` }, `#${s}`)])] : ''),
      renderLeaks(job.result as Leaks, job.snapshotIds?.at(-1) ?? null));
    return;
  }
  if (!ids) { fill(out, h('p', null, 'Select two snapshots or more on the ', h('a', { href: '#/snapshots' }, 'Snapshots'), ' page, or run a Hunt from a process page.')); return; }
  const leaks = await api<Leaks>(`/api/leaks?snapshots=${encodeURIComponent(ids)}`);
  if (!page.alive()) return;
  const list = ids.split(',').map(Number);
  fill(out, h('p', { class: 'muted small' }, 'Over snapshots ', list.map((s, i) => [i ? ' → ' : '', h('a', { href: `#/snapshot/${s}` }, `#${s}`)])), renderLeaks(leaks, list.at(-1) ?? null));
}
