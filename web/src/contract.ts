// The strings the server stores in SQLite and sends on the API, in one place: Heapdog.Monitoring.Store.EventKind and
// SnapshotState on the server, docs/api.md for readers. Never rename a value: old stores hold them.

/** The `kind` of an event. */
export const EventKind = {
  Exited: 'exited',
  ExitedOomKill: 'exited-oom-kill',
  OomKill: 'oom-kill',
  HeapOom: 'heap-oom',
  Snapshot: 'snapshot',
  SnapshotFailed: 'snapshot-failed',
  SnapshotSkipped: 'snapshot-skipped',
  LeakVerdict: 'leak-verdict',
  OomDeath: 'oom-death',
} as const;
export type EventKind = (typeof EventKind)[keyof typeof EventKind];

/** Kinds that mean the process died for lack of memory (the server's `lastOom`). */
export const outOfMemoryKinds: readonly string[] = [EventKind.ExitedOomKill, EventKind.OomKill, EventKind.HeapOom];

/** The `state` of a snapshot's analysis. */
export const SnapshotState = {
  New: 'new',
  Analysing: 'analysing',
  Ready: 'ready',
  Failed: 'failed',
} as const;
export type SnapshotState = (typeof SnapshotState)[keyof typeof SnapshotState];
