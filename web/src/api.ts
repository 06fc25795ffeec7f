// The server's JSON API (docs/api.md). Sizes in bytes, times in unix milliseconds.

import type { components } from './generated/api';

export class ApiError extends Error {
  constructor(message: string, readonly status: number, readonly body: Record<string, unknown> | null) {
    super(message);
  }
}

/** What a 401 means to the user: the browser has not got the server's token (as a cookie) yet, or the server was
 * restarted with a new one. The server prints the URL that carries it when it starts. */
export function tokenMessage(): string {
  return `This dashboard needs its token: open the URL that "heapdog serve" printed when it started (${location.origin}/?token=…).`;
}

export async function api<T>(path: string, init?: RequestInit): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, init);
  } catch (e) {
    throw new ApiError(`cannot reach the server for ${path}: ${(e as Error).message}`, 0, null);
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let body: unknown = null;
  try { body = text ? JSON.parse(text) : null; } catch { body = null; }
  if (!response.ok) {
    const obj = body && typeof body === 'object' ? (body as Record<string, unknown>) : null;
    const message = response.status === 401 ? tokenMessage()
      : obj && typeof obj.error === 'string' ? obj.error : `${response.status} ${response.statusText} from ${path}`;
    throw new ApiError(message, response.status, obj);
  }
  if (body === null && text) throw new ApiError(`${path} answered something that is not JSON`, response.status, null);
  return body as T;
}

export const post = <T>(path: string) => api<T>(path, { method: 'POST' });
export const del = (path: string) => api<void>(path, { method: 'DELETE' });

// Shapes the server answers with, generated from its OpenAPI document (web/openapi.json) at build time.
type Schemas = components['schemas'];
export type Limit = Schemas['ProcessLimit'];
export type VerdictSeries = Schemas['SeriesTrend'];
export type Verdict = Schemas['WatchVerdict'];
/** An event; its detail is the JSON object its writer stored (docs/api.md lists them by kind). */
export type HeapEvent = Omit<Schemas['ProcessEvent'], 'detail'> & { detail: Record<string, unknown> | null };
export type Sample = Schemas['ProcessSample'];
export type Process = Omit<Schemas['ProcessView'], 'lastOom'> & { lastOom: HeapEvent | null };
export type Series = Schemas['ProcessSeries'];
export type Host = Schemas['HostView'];
export type Snapshot = Schemas['SnapshotView'];
export type Job = Schemas['JobView'];
export type JobAccepted = Schemas['JobAccepted'];
export type HeapObject = Schemas['HeapObject'];
export type SummaryClass = Schemas['SummaryRow'];
export type Summary = Schemas['AnalyzeResult'];
export type ClassObjects = Schemas['ClassObjectsView'];
export type DiffClass = Schemas['ComparisonRow'];
export type Diff = Schemas['DiffResult'];
export type Inspect = Schemas['InspectResult'];
export type PathLink = Schemas['RetainerPathLink'];
export type Paths = Schemas['PathsResult'];
export type DomNode = Schemas['DominatorNode'];
export type Dominators = Schemas['DominatorsResult'];
export type PathObject = Schemas['LeakObject'];
export type Suspect = Schemas['LeakSuspect'];
export type SuspectPathLink = Schemas['LeakPathLink'];
export type Leaks = Schemas['LeaksResult'];
export type SampleResult = Schemas['SampleResult'];
export type Health = Schemas['Health'];
