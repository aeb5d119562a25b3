/** A cell value as shown to people: null/undefined as "-", everything else as text. */
function cell(value: unknown): string {
  if (value === null || value === undefined) return "-";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value).replace(/[\r\n\t]+/g, " ");
}

/** Renders rows as an aligned plain-text table with a header line; an empty list prints `(none)`. */
export function renderTable(columns: readonly string[], rows: readonly (readonly unknown[])[]): string {
  if (rows.length === 0) return "(none)\n";
  const text = rows.map((row) => columns.map((_, i) => cell(row[i])));
  const widths = columns.map((name, i) => Math.max(name.length, ...text.map((row) => row[i]!.length)));
  const line = (values: readonly string[]) => values.map((v, i) => (i === values.length - 1 ? v : v.padEnd(widths[i]!))).join("  ").trimEnd();
  return `${[line(columns.map((c) => c.toUpperCase())), ...text.map(line)].join("\n")}\n`;
}
