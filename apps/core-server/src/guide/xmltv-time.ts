function pad(value: number, width: number): string {
  return String(value).padStart(width, "0");
}

/**
 * Formats an epoch-ms instant as an XMLTV time, always in UTC with an explicit offset:
 * `20260101120000 +0000`. Milliseconds are truncated (XMLTV has whole seconds).
 * Throws RangeError for a non-finite instant or a year outside 0–9999.
 */
export function formatXmltvTime(epochMs: number): string {
  const d = new Date(epochMs);
  const year = d.getUTCFullYear();
  if (!Number.isFinite(epochMs) || year < 0 || year > 9999) {
    throw new RangeError(`not an XMLTV-representable instant: ${epochMs}`);
  }
  return (
    pad(year, 4) +
    pad(d.getUTCMonth() + 1, 2) +
    pad(d.getUTCDate(), 2) +
    pad(d.getUTCHours(), 2) +
    pad(d.getUTCMinutes(), 2) +
    pad(d.getUTCSeconds(), 2) +
    " +0000"
  );
}
