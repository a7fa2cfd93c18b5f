// Rendering an import result (POST /api/v1/admin/import): what would be added, changed,
// removed per table, and the errors with file:line:column, sorted as in the file.

export interface FieldChange { column: string; before: any; after: any }
export interface ImportTable { table: string; added?: any[]; changed?: { key: string; fields: FieldChange[] }[]; removed?: string[] }
export interface ImportError { file?: string; line?: number; column?: number; message: string }
export interface ImportResult { applied?: boolean; tables?: ImportTable[]; errors?: ImportError[] }

export interface DiffRow {
  kind: 'added' | 'changed' | 'removed';
  table: string;
  key: string;
  fields: FieldChange[];
}

export interface DiffSummary {
  applied: boolean;
  added: number;
  changed: number;
  removed: number;
  rows: DiffRow[];
  errors: ImportError[];
  /** Nothing to add, change or remove, and no error. */
  empty: boolean;
}

/** The key of an added row: its key column when known, else the first value. */
export function rowKey(row: any, keyField?: string): string {
  if (row == null) return '';
  if (typeof row !== 'object') return String(row);
  if (keyField && row[keyField] != null) return String(row[keyField]);
  for (const k of ['serial', 'name', 'id', 'country', 'key']) if (row[k] != null && row[k] !== '') return String(row[k]);
  const first = Object.values(row)[0];
  return first == null ? '' : String(first);
}

function display(v: any): string {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.join(';');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

export function summariseImport(res: ImportResult | null | undefined, keyFields: Record<string, string> = {}): DiffSummary {
  const rows: DiffRow[] = [];
  let added = 0, changed = 0, removed = 0;
  for (const t of res?.tables || []) {
    for (const r of t.added || []) {
      added++;
      const fields = r && typeof r === 'object'
        ? Object.entries(r).filter(([k]) => k !== 'version').map(([column, after]) => ({ column, before: null, after: display(after) }))
        : [];
      rows.push({ kind: 'added', table: t.table, key: rowKey(r, keyFields[t.table]), fields });
    }
    for (const c of t.changed || []) {
      changed++;
      rows.push({ kind: 'changed', table: t.table, key: String(c.key), fields: (c.fields || []).map((f) => ({ column: f.column, before: display(f.before), after: display(f.after) })) });
    }
    for (const k of t.removed || []) {
      removed++;
      rows.push({ kind: 'removed', table: t.table, key: String(k), fields: [] });
    }
  }
  const errors = [...(res?.errors || [])].sort((a, b) =>
    (a.file || '').localeCompare(b.file || '') || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
  return { applied: !!res?.applied, added, changed, removed, rows, errors, empty: !rows.length && !errors.length };
}

/** "computers.csv:12:3" (parts that are known). */
export function errorLocation(e: ImportError): string {
  let s = e.file || '';
  if (e.line != null) s += (s ? ':' : '') + e.line;
  if (e.line != null && e.column != null) s += ':' + e.column;
  return s;
}

/** The text of the line an error points at, from the uploaded file (for a caret display). */
export function lineOf(csv: string, line: number | undefined): string | null {
  if (!line || line < 1) return null;
  const lines = csv.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  return line <= lines.length ? lines[line - 1] : null;
}
