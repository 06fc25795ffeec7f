import 'uplot/dist/uPlot.min.css';
import './style.css';
import { h, fill } from './dom';
import { api, type Health } from './api';
import { Page, bannerElement, clearError, showError } from './app';
import { processesPage } from './pages/processes';
import { processPage } from './pages/process';
import { snapshotsPage } from './pages/snapshots';
import { snapshotPage } from './pages/snapshot';
import { leaksPage } from './pages/leaks';
import { jobPage, jobsPage } from './pages/jobs';

type Render = (page: Page) => Promise<void> | void;

// Hash routes: the server answers index.html for any path, so the route lives after '#'.
const routes: [RegExp, Render, string][] = [
  [/^\/?$/, processesPage, 'processes'],
  [/^\/processes$/, processesPage, 'processes'],
  [/^\/process\/(\d+)$/, processPage, 'processes'],
  [/^\/snapshots$/, snapshotsPage, 'snapshots'],
  [/^\/snapshot\/(\d+)(?:\/(summary|comparison|dominators|statistics|object)(?:\/(\d+))?)?$/, snapshotPage, 'snapshots'],
  [/^\/leaks$/, leaksPage, 'leaks'],
  [/^\/jobs$/, jobsPage, 'jobs'],
  [/^\/job\/(\d+)$/, jobPage, 'jobs'],
];

const nav = h('nav', { class: 'nav' },
  h('a', { href: '#/', class: 'brand' }, 'Heapdog'),
  h('a', { href: '#/processes', 'data-section': 'processes', testid: 'nav-processes' }, 'Processes'),
  h('a', { href: '#/snapshots', 'data-section': 'snapshots', testid: 'nav-snapshots' }, 'Snapshots'),
  h('a', { href: '#/jobs', 'data-section': 'jobs', testid: 'nav-jobs' }, 'Jobs'),
);
const main = h('main', { class: 'main' });
// The store's state belongs to the server, not to a page: its own banner, kept above every page and polled on its own
// timer, shown while the store takes no samples (a full disk, a read-only mount).
const storeBanner = h('div', { class: 'banner', testid: 'store-banner', hidden: true });
fill(document.getElementById('app')!, nav, storeBanner, bannerElement(), main);

async function watchStore(): Promise<void> {
  try {
    const { store } = await api<Health>('/api/health');
    storeBanner.hidden = store.writable;
    if (!store.writable) {
      fill(storeBanner, h('span', { class: 'banner-text', testid: 'store-text' },
        `Samples are not being recorded: the store is ${store.reason ?? 'not writable'}. ${store.message ?? ''} ` +
        'What it holds is still shown; recording resumes by itself once it can write again.'));
    }
  } catch {
    // A server that is gone is reported by the page's own requests.
  }
  window.setTimeout(() => void watchStore(), 10_000);
}
void watchStore();

let leaveCurrent: (() => void) | null = null;

function route(): void {
  leaveCurrent?.();
  clearError();
  const raw = location.hash.replace(/^#/, '');
  const [path, search] = [raw.split('?')[0], raw.includes('?') ? raw.slice(raw.indexOf('?') + 1) : ''];
  let alive = true;
  const cleanups: (() => void)[] = [];
  leaveCurrent = () => { alive = false; cleanups.forEach((fn) => fn()); };
  const root = h('div', { class: 'page' });
  fill(main, root);
  for (const [pattern, render, section] of routes) {
    const match = pattern.exec(path);
    if (!match) continue;
    for (const a of nav.querySelectorAll('a[data-section]')) a.classList.toggle('active', a.getAttribute('data-section') === section);
    const page: Page = {
      root,
      params: match.slice(1),
      query: new URLSearchParams(search),
      alive: () => alive,
      onLeave: (fn) => cleanups.push(fn),
      every(ms, fn) {
        let timer = 0;
        const tick = async () => {
          if (!alive) return;
          try { await fn(); } catch (e) { showError(e); }
          if (alive) timer = window.setTimeout(tick, ms);
        };
        cleanups.push(() => clearTimeout(timer));
        void tick();
      },
    };
    Promise.resolve()
      .then(() => render(page))
      .catch((e) => { if (alive) showError(e); });
    return;
  }
  fill(root, h('h1', null, 'Not found'), h('p', null, `No page at #${path}. `, h('a', { href: '#/' }, 'Processes')));
}

window.addEventListener('hashchange', route);
window.addEventListener('unhandledrejection', (e) => showError(e.reason));
window.addEventListener('error', (e) => showError(e.message));
route();
