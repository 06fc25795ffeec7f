// The server's JSON API (docs/api.md). Sizes in bytes, times in unix milliseconds.
import type { SnapshotState } from './contract';

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

export interface Snapshot {
  id: number; name: string; bytes: number; createdMs: number; processId: number | null; pid: number | null;
  source: string; state: SnapshotState; error: string | null;
  nodeCount: number | null; edgeCount: number | null; totalSize: number | null;
}
export interface Job {
  id: number; kind: string; state: 'queued' | 'running' | 'done' | 'failed' | 'cancelled'; phase: string | null; fraction: number | null;
  message: string | null; startedMs: number; endedMs: number | null; error: string | null; processId: number | null;
  snapshotIds: number[] | null; result: unknown;
}

export interface HeapObject { id: number; className: string; name: string; type: string; shallowSize: number; retainedSize: number; distance: number }
export interface SummaryClass { className: string; classKey: string; count: number; shallowSize: number; retainedSize: number; distance: number; location?: { scriptId: number; line: number; column: number } }
export interface Summary {
  file: string; fileSize: number; nodeCount: number; edgeCount: number; totalSize: number;
  statistics: Record<string, number>; classCount: number; summary: SummaryClass[]; largestObjects: HeapObject[];
  timings?: { readMs: number; analyzeMs: number };
}
export interface ClassObjects { classKey: string; className: string; count: number; objects: HeapObject[] }
export interface DiffClass { classKey: string; className: string; newCount: number; deletedCount: number; countDelta: number; allocSize: number; freedSize: number; sizeDelta: number; retainedSizeDelta: number }
export interface Diff { baseTotalSize: number; targetTotalSize: number; classCount: number; classes: DiffClass[] }
export interface Inspect {
  object: HeapObject; location: string | null; edgeCount: number; edges: { edgeType: string; edge: string; to: HeapObject }[];
  retainerCount: number; retainers: { edgeType: string; edge: string; from: HeapObject }[]; dominators: HeapObject[];
}
export interface PathLink { edgeType?: string; edge?: string; object: HeapObject }
export interface Paths { object: HeapObject; ignored: number[]; paths: { length: number; links: PathLink[] }[] }
export interface DomNode { object: HeapObject; childCount: number; children: DomNode[] }
export interface Dominators { totalSize: number; root: DomNode }

export interface PathObject { id: number; className: string; name: string; type: string }
export interface Suspect {
  severity: 'high' | 'medium' | 'low'; kind: string; title: string; explanation: string;
  accumulationPoint: PathObject | null; propertyPath: string;
  growth: { countUnit: string; counts: number[] | null; bytes: number[]; removed: number[] | null; countPerSnapshot: number; bytesPerSnapshot: number };
  newObjects: number; newBytes: number; classes: { className: string; count: number; bytes: number }[];
  location: { script: string; scriptId: number; line: number; column: number } | null;
  mergedPoints: number; retainerPathLength: number;
  retainerPath: ({ edge?: string; edgeType?: string; object: PathObject } | { omittedLinks: number })[];
}
export interface Leaks { snapshots: { file: string; nodeCount: number; totalSize: number }[]; newObjects: number; newBytes: number; suspectCount: number; suspects: Suspect[]; elapsedMs: number }
export interface SampleResult { pid: number | null; durationMs: number; samplingInterval: number; totalBytes: number; profile: string; sites: { function: string; url: string; line: number; column: number; bytes: number; samples: number }[] }
