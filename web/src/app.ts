import { h, fill } from './dom';
import { ApiError } from './api';

/** What a page gets: its container, the route's parts, and timers that stop when the user navigates away. */
export interface Page {
  root: HTMLElement;
  params: string[];
  query: URLSearchParams;
  alive(): boolean;
  onLeave(fn: () => void): void;
  /** Runs fn now and then every ms after it finishes, while the page is shown. */
  every(ms: number, fn: () => Promise<void> | void): void;
}

const banner = h('div', { class: 'banner', testid: 'error-banner', hidden: true });

export function bannerElement(): HTMLElement {
  return banner;
}

/** Shows an error from the API (or anywhere) in the banner at the top of the page. Without the token (401) the
 * page's content is hidden too: what it shows may be stale, and the banner says the one thing to do. */
export function showError(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  const needsToken = error instanceof ApiError && error.status === 401;
  document.body.classList.toggle('needs-token', needsToken);
  banner.setAttribute('data-kind', needsToken ? 'unauthorized' : 'error');
  fill(banner, h('span', { class: 'banner-text', testid: 'error-text' }, message), h('button', { class: 'link', onclick: clearError }, 'dismiss'));
  banner.hidden = false;
}

export function clearError(): void {
  document.body.classList.remove('needs-token');
  banner.hidden = true;
  fill(banner);
}

/** Runs an async action, reporting its failure in the banner. */
export async function guard<T>(action: () => Promise<T>): Promise<T | undefined> {
  try {
    return await action();
  } catch (e) {
    showError(e);
    return undefined;
  }
}

export function navigate(hash: string): void {
  if (location.hash === hash) window.dispatchEvent(new HashChangeEvent('hashchange'));
  else location.hash = hash;
}

export function objectHref(snapshotId: number | string, nodeId: number | string): string {
  return `#/snapshot/${snapshotId}/object/${nodeId}`;
}

/** An @id link to an object of a snapshot. */
export function objectLink(snapshotId: number | string, nodeId: number): HTMLAnchorElement {
  return h('a', { href: objectHref(snapshotId, nodeId), class: 'objid', testid: 'object-link', 'data-node-id': nodeId }, `@${nodeId}`);
}

export function progressBar(fraction: number | null, testid?: string): HTMLElement {
  const bar = h('div', { class: 'progress' + (fraction === null ? ' indeterminate' : ''), testid });
  const inner = h('div', { class: 'progress-fill' });
  if (fraction !== null) inner.style.width = `${Math.max(0, Math.min(1, fraction)) * 100}%`;
  bar.appendChild(inner);
  return bar;
}
