import { h } from './dom';

/** Where generated code came from, through its script's source map (the reports' `original`). */
export interface Original { script: string; line: number; column: number; name?: string | null }

/**
 * A code location: the original source when the script's source map gives one, with the generated position as its
 * tooltip and in small print; else the generated position, with the note of a map that could not be used.
 */
export function codeLocation(generated: string, original?: Original | null, note?: string | null, testid?: string): HTMLElement {
  if (original) {
    return h('span', { testid },
      h('code', { title: `generated: ${generated}`, testid: testid ? `${testid}-original` : undefined }, `${original.script}:${original.line}:${original.column}`),
      ' ', h('span', { class: 'muted small' }, `(${generated})`));
  }
  return h('span', { testid }, h('code', { title: note ?? undefined }, generated), note ? h('span', { class: 'muted small' }, ` (${note})`) : null);
}
