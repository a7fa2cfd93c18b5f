// Ordered lists (a type's applications): moves that drag-and-drop and the keyboard share.

/** A copy of list with the item at `from` moved to index `to` (clamped). */
export function moveItem<T>(list: readonly T[], from: number, to: number): T[] {
  const out = [...list];
  if (from < 0 || from >= out.length) return out;
  const target = Math.max(0, Math.min(out.length - 1, to));
  const [x] = out.splice(from, 1);
  out.splice(target, 0, x);
  return out;
}

/** The move a key press asks for on item i: Alt+ArrowUp/Down one step, Alt+Home/End to the ends. */
export function keyMove(key: string, altKey: boolean, i: number, length: number): number | null {
  if (!altKey) return null;
  if (key === 'ArrowUp') return i > 0 ? i - 1 : null;
  if (key === 'ArrowDown') return i < length - 1 ? i + 1 : null;
  if (key === 'Home') return i > 0 ? 0 : null;
  if (key === 'End') return i < length - 1 ? length - 1 : null;
  return null;
}

export function sameOrder<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
