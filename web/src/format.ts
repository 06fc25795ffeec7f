const units = ['B', 'KB', 'MB', 'GB', 'TB'];

/** Bytes as DevTools shows them: 1000-based, three significant digits. */
export function bytes(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  const sign = value < 0 ? '-' : '';
  let v = Math.abs(value);
  let u = 0;
  while (v >= 1000 && u < units.length - 1) { v /= 1000; u++; }
  const digits = u === 0 ? 0 : v >= 100 ? 0 : v >= 10 ? 1 : 2;
  return `${sign}${v.toFixed(digits)} ${units[u]}`;
}

export function signedBytes(value: number | null | undefined): string {
  if (value === null || value === undefined) return '–';
  return (value > 0 ? '+' : '') + bytes(value);
}

export function count(value: number | null | undefined): string {
  if (value === null || value === undefined) return '–';
  return value.toLocaleString('en-US');
}

export function signedCount(value: number | null | undefined): string {
  if (value === null || value === undefined) return '–';
  return (value > 0 ? '+' : '') + value.toLocaleString('en-US');
}

export function percent(part: number | null | undefined, whole: number | null | undefined): string {
  if (part === null || part === undefined || !whole) return '–';
  return `${((100 * part) / whole).toFixed(part / whole < 0.1 ? 1 : 0)} %`;
}

/** Unix milliseconds as local date and time. */
export function time(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '–';
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  if (s < 86400) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86400).toFixed(1)} d`;
}

export function rate(bytesPerHour: number | null | undefined): string {
  if (bytesPerHour === null || bytesPerHour === undefined) return '–';
  return `${signedBytes(bytesPerHour)}/h`;
}

export function distance(d: number | null | undefined): string {
  if (d === null || d === undefined) return '–';
  return d >= 100000000 ? `(system) ${d - 100000000}` : String(d);
}
