import { ApiError, api, del, Job, Snapshot, tokenMessage } from '../api';
import { SnapshotState } from '../contract';
import { Page, guard, progressBar, showError } from '../app';
import { h, fill } from '../dom';
import * as fmt from '../format';
import { trackJob } from './jobs';

/** POSTs the file as the request body with XMLHttpRequest, whose upload events give the progress. */
function upload(file: File, onProgress: (fraction: number) => void): Promise<{ snapshot: Snapshot; job: Job }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/snapshots?name=${encodeURIComponent(file.name)}`);
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total); };
    xhr.onerror = () => reject(new Error(`upload of ${file.name} failed: the connection was lost`));
    xhr.onload = () => {
      let body: Record<string, unknown> | null = null;
      try { body = JSON.parse(xhr.responseText); } catch { body = null; }
      if (xhr.status >= 200 && xhr.status < 300 && body) resolve(body as unknown as { snapshot: Snapshot; job: Job });
      else if (xhr.status === 401) reject(new ApiError(tokenMessage(), 401, body));
      else reject(new Error(body && typeof body.error === 'string' ? body.error : `upload of ${file.name} failed: ${xhr.status} ${xhr.statusText}`));
    };
    xhr.send(file);
  });
}

export function stateCell(s: Snapshot, job: Job | undefined): HTMLElement {
  const cell = h('span', { class: `state state-${s.state}`, testid: 'snapshot-state', 'data-state': s.state }, s.state);
  if (s.state === SnapshotState.Failed) return h('span', null, cell, ' ', h('span', { class: 'bad small' }, s.error ?? ''));
  if (s.state === SnapshotState.Ready || !job) return cell;
  return h('span', null, cell, ' ', h('span', { class: 'muted small' }, job.phase ?? ''), progressBar(job.fraction));
}

export async function snapshotsPage(page: Page): Promise<void> {
  const body = h('tbody');
  const jobs = h('div', { class: 'jobs' });
  const uploadStatus = h('div', { testid: 'upload-status' });
  const input = h('input', { type: 'file', accept: '.heapsnapshot,application/json', testid: 'upload-input' });
  const leaksButton = h('button', { testid: 'btn-leaks', disabled: true, title: 'the leak report over the selected snapshots, oldest first' }, 'Find leaks in selected');
  const selected = new Set<number>();
  let snapshots: Snapshot[] = [];

  input.addEventListener('change', async () => {
    const file = input.files?.[0];
    if (!file) return;
    const bar = h('div', { class: 'progress', testid: 'upload-progress' }, h('div', { class: 'progress-fill' }));
    const label = h('span', { class: 'muted' }, `uploading ${file.name} (${fmt.bytes(file.size)})`);
    fill(uploadStatus, label, bar);
    try {
      const answer = await upload(file, (f) => {
        (bar.firstChild as HTMLElement).style.width = `${f * 100}%`;
        bar.setAttribute('data-fraction', f.toFixed(3));
      });
      fill(uploadStatus, h('span', { testid: 'upload-done', 'data-snapshot-id': answer.snapshot.id }, `uploaded ${file.name} as snapshot #${answer.snapshot.id}`));
      trackJob(page, answer.job, jobs, () => void refresh());
      await refresh();
    } catch (e) {
      fill(uploadStatus);
      showError(e);
    } finally {
      input.value = '';
    }
  });
  leaksButton.addEventListener('click', () => {
    const ids = snapshots.filter((s) => selected.has(s.id)).sort((a, b) => a.createdMs - b.createdMs || a.id - b.id).map((s) => s.id);
    location.hash = `#/leaks?snapshots=${ids.join(',')}`;
  });

  fill(page.root,
    h('div', { class: 'toolbar' }, h('h1', null, 'Snapshots'),
      h('label', { class: 'button' }, 'Upload .heapsnapshot…', input), leaksButton),
    uploadStatus, jobs,
    h('table', { class: 'grid', testid: 'snapshots-table' },
      h('thead', null, h('tr', null, h('th', null, ''), h('th', { class: 'num' }, 'Id'), h('th', null, 'Name'), h('th', { class: 'num' }, 'File size'),
        h('th', { class: 'num' }, 'Heap'), h('th', null, 'Process'), h('th', null, 'Source'), h('th', null, 'Created'), h('th', null, 'State'), h('th', null, ''))),
      body));

  const refresh = async () => {
    const [list, jobList] = await Promise.all([api<Snapshot[]>('/api/snapshots'), api<Job[]>('/api/jobs')]);
    if (!page.alive()) return;
    snapshots = list;
    const running = new Map<number, Job>();
    for (const j of jobList) if (j.state === 'running' || j.state === 'queued') for (const sid of j.snapshotIds ?? []) if (!running.has(sid)) running.set(sid, j);
    for (const id of [...selected]) if (!list.some((s) => s.id === id)) selected.delete(id);
    leaksButton.disabled = selected.size < 2;
    fill(body, list.length === 0 ? h('tr', null, h('td', { colspan: 10, class: 'muted' }, 'No snapshot yet: upload one, or take one from a process page.')) : list.map((s) => {
      const box = h('input', { type: 'checkbox', checked: selected.has(s.id), disabled: s.state !== SnapshotState.Ready, title: 'select for the leak report' });
      box.addEventListener('change', () => { if (box.checked) selected.add(s.id); else selected.delete(s.id); leaksButton.disabled = selected.size < 2; });
      return h('tr', { testid: 'snapshot-row', 'data-snapshot-id': s.id, 'data-state': s.state },
        h('td', null, box), h('td', { class: 'num' }, `#${s.id}`),
        h('td', null, h('a', { href: `#/snapshot/${s.id}`, testid: 'snapshot-link' }, s.name)),
        h('td', { class: 'num' }, fmt.bytes(s.bytes)), h('td', { class: 'num' }, fmt.bytes(s.totalSize)),
        h('td', null, s.processId !== null ? h('a', { href: `#/process/${s.processId}` }, `pid ${s.pid ?? '?'}`) : '–'),
        h('td', null, s.source), h('td', null, fmt.time(s.createdMs)), h('td', null, stateCell(s, running.get(s.id))),
        h('td', null, h('button', { class: 'link danger', testid: 'snapshot-delete', onclick: async () => {
          if (!confirm(`Delete snapshot #${s.id} (${s.name}) and its file?`)) return;
          await guard(() => del(`/api/snapshots/${s.id}`));
          await refresh();
        } }, 'delete')));
    }));
  };
  page.every(2000, refresh);
}
