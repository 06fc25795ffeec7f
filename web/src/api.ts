// The server's JSON API (docs/api.md). Sizes in bytes, times in unix milliseconds.

import type { components } from './generated/api';

export class ApiError extends Error {
  constructor(message: string, readonly status: number, readonly body: Record<string, unknown> | null) {
    super(message);
  }
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
    const message = obj && typeof obj.error === 'string' ? obj.error : `${response.status} ${response.statusText} from ${path}`;
    throw new ApiError(message, response.status, obj);
  }
  if (body === null && text) throw new ApiError(`${path} answered something that is not JSON`, response.status, null);
  return body as T;
}

export const post = <T>(path: string) => api<T>(path, { method: 'POST' });
export const del = (path: string) => api<void>(path, { method: 'DELETE' });

export interface Limit { bytes: number; kind: 'heap' | 'cgroup' | 'host' }
export interface VerdictSeries { series?: string; name?: string; state: string; slopeBytesPerHour?: number | null; levelBytes?: number | null; changeBytes?: number | null; points?: number; windowSeconds?: number }
export interface Verdict { status: string; growth: string; text: string; usedRuntimeFigures: boolean; series: VerdictSeries[] }
export interface HeapEvent { id: number; processId: number; timeMs: number; kind: string; detail: Record<string, unknown> | null }
export type Sample = Record<string, number | null>;
export interface Process {
  id: number; pid: number; name: string; pm2Name: string | null; commandLine: string | null;
  startTimeMs: number | null; firstSeenMs: number | null; lastSeenMs: number | null; alive: boolean; exitedAtMs: number | null;
  oomKillSuspected: boolean; last: Sample | null; limit: Limit | null; verdict: Verdict | null; lastOom: HeapEvent | null;
}
export interface Series { processId: number; fromMs: number; toMs: number; stepMs: number; points: number; columns: string[]; values: (number | null)[][] }

// Shapes the server answers with, generated from its OpenAPI document (web/openapi.json) at build time.
type Schemas = components['schemas'];
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
