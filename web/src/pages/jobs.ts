import { api, del, Job, Leaks, SampleResult } from '../api';
import { Page, guard, progressBar } from '../app';
import { h, fill } from '../dom';
import * as fmt from '../format';
import { renderLeaks } from './leaks';
import { codeLocation } from '../location';

const finished = (job: Job) => job.state === 'done' || job.state === 'failed' || job.state === 'cancelled';

function resultSnapshotId(job: Job): number | null {
  const result = job.result as { snapshotId?: number } | null;
  return result && typeof result.snapshotId === 'number' ? result.snapshotId : null;
}

/** Where the result of a finished job is shown, or null. */
export function resultLink(job: Job): HTMLElement | null {
  if (job.state !== 'done') return null;
  const snapshotId = resultSnapshotId(job);
  if (job.kind === 'hunt') return h('a', { href: `#/leaks?job=${job.id}`, testid: 'job-result-link' }, 'Open the leak report');
  if (job.kind === 'sample') return h('a', { href: `#/job/${job.id}`, testid: 'job-result-link' }, 'Open the allocation sample');
  if (snapshotId !== null) return h('a', { href: `#/snapshot/${snapshotId}`, testid: 'job-result-link' }, `Open snapshot #${snapshotId}`);
  return null;
}

function jobCard(job: Job): HTMLElement {
  const done = finished(job);
  return h('div', { class: `job job-${job.state}`, testid: 'job-progress', 'data-job-id': job.id, 'data-state': job.state, 'data-kind': job.kind },
    h('div', { class: 'job-head' },
      h('b', null, `${job.kind} #${job.id}`), ' ',
      h('span', { class: `state state-${job.state}`, testid: 'job-state' }, job.state), ' ',
      h('span', { class: 'muted', testid: 'job-phase' }, job.phase ?? ''),
      !done ? h('button', { class: 'link', onclick: () => void guard(() => del(`/api/jobs/${job.id}`)) }, 'cancel') : null),
    !done ? progressBar(job.fraction, 'job-progress-bar') : null,
    job.message ? h('div', { class: 'muted small' }, job.message) : null,
    job.error ? h('div', { class: 'bad', testid: 'job-error' }, job.error) : null,
    resultLink(job));
}

/** Shows a job in container and polls it every 500 ms until it ends; onEnd gets the final job. */
export function trackJob(page: Page, job: Job, container: HTMLElement, onEnd?: (job: Job) => void): void {
  const card = h('div');
  container.prepend(card);
  fill(card, jobCard(job));
  if (finished(job)) { onEnd?.(job); return; }
  let timer = 0;
  page.onLeave(() => clearTimeout(timer));
  const poll = async () => {
    if (!page.alive()) return;
    const now = await guard(() => api<Job>(`/api/jobs/${job.id}`));
    if (!page.alive()) return;
    if (now) {
      fill(card, jobCard(now));
      if (finished(now)) { onEnd?.(now); return; }
    }
    timer = window.setTimeout(poll, 500);
  };
  timer = window.setTimeout(poll, 500);
}

export function renderSample(result: SampleResult): HTMLElement {
  return h('div', { testid: 'sample-result' },
    h('p', null, `Allocations still live after ${fmt.duration(result.durationMs)} of sampling`, result.pid !== null ? ` pid ${result.pid}` : '',
      ` (one sample per ${fmt.bytes(result.samplingInterval)}): `, h('b', null, fmt.bytes(result.totalBytes))),
    h('p', { class: 'muted small' }, 'Profile written to ', h('code', null, result.profile), ' (Chrome DevTools opens it: Memory → Load).'),
    h('table', { class: 'grid' },
      h('thead', null, h('tr', null, h('th', { class: 'num' }, 'Live'), h('th', { class: 'num' }, 'Share'), h('th', { class: 'num' }, 'Samples'), h('th', null, 'Function'), h('th', null, 'Where'))),
      h('tbody', null, result.sites.map((s) => h('tr', { testid: 'sample-row' },
        h('td', { class: 'num' }, fmt.bytes(s.bytes)), h('td', { class: 'num' }, fmt.percent(s.bytes, result.totalBytes)),
        h('td', { class: 'num' }, s.samples), h('td', null, h('code', null, s.function || '(anonymous)')),
        h('td', null, s.url ? codeLocation(`${s.url}:${s.line}:${s.column}`, s.original, s.sourceMapNote) : h('span', { class: 'muted' }, '–')))))));
}

export async function jobPage(page: Page): Promise<void> {
  const id = page.params[0];
  const status = h('div');
  const result = h('div');
  fill(page.root, h('h1', null, `Job #${id}`), status, result);
  const job = await api<Job>(`/api/jobs/${id}`);
  trackJob(page, job, status, (end) => {
    if (end.state !== 'done' || !end.result) return;
    if (end.kind === 'sample') fill(result, renderSample(end.result as SampleResult));
    else if (end.kind === 'hunt') fill(result, renderLeaks(end.result as Leaks, end.snapshotIds?.at(-1) ?? null));
  });
}

export async function jobsPage(page: Page): Promise<void> {
  const body = h('tbody');
  fill(page.root, h('h1', null, 'Jobs'),
    h('table', { class: 'grid' },
      h('thead', null, h('tr', null, h('th', { class: 'num' }, 'Job'), h('th', null, 'Kind'), h('th', null, 'State'), h('th', null, 'Phase'),
        h('th', null, 'Started'), h('th', null, 'Took'), h('th', null, 'Process'), h('th', null, 'Result'))),
      body));
  page.every(2000, async () => {
    const jobs = await api<Job[]>('/api/jobs');
    if (!page.alive()) return;
    fill(body, jobs.length === 0 ? h('tr', null, h('td', { colspan: 8, class: 'muted' }, 'No job yet.')) : jobs.map((j) => h('tr', { testid: 'job-row' },
      h('td', { class: 'num' }, h('a', { href: `#/job/${j.id}` }, `#${j.id}`)), h('td', null, j.kind),
      h('td', null, h('span', { class: `state state-${j.state}` }, j.state)),
      h('td', null, finished(j) ? (j.error ?? '') : [j.phase ?? '', progressBar(j.fraction)]),
      h('td', null, fmt.time(j.startedMs)), h('td', null, j.endedMs ? fmt.duration(j.endedMs - j.startedMs) : '…'),
      h('td', null, j.processId !== null ? h('a', { href: `#/process/${j.processId}` }, `#${j.processId}`) : '–'),
      h('td', null, resultLink(j)))));
  });
}
