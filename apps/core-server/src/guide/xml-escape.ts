// Characters XML 1.0 forbids anywhere (C0 controls but tab/LF/CR, lone surrogates, U+FFFE/FFFF):
// a lineup name containing one would make the whole guide unparseable, so they are dropped.
const INVALID_XML_CHARS = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
const TEXT_SPECIAL = /[&<>\r]/;
const ATTR_SPECIAL = /[&<>"'\t\n\r]/;

const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&apos;",
  // Character references keep whitespace that attribute-value normalisation would turn into spaces.
  "\t": "&#9;",
  "\n": "&#10;",
  "\r": "&#13;",
};

function replaceEntity(ch: string): string {
  return ENTITIES[ch] ?? ch;
}

/** Removes characters that XML 1.0 does not allow at all. */
export function stripInvalidXmlChars(value: string): string {
  return value.replace(INVALID_XML_CHARS, "");
}

/** Escapes `value` for XML character data (element content). Never throws. */
export function escapeXmlText(value: string): string {
  const clean = stripInvalidXmlChars(value);
  return TEXT_SPECIAL.test(clean) ? clean.replace(/[&<>\r]/g, replaceEntity) : clean;
}

/** Escapes `value` for a double- or single-quoted XML attribute value. Never throws. */
export function escapeXmlAttr(value: string): string {
  const clean = stripInvalidXmlChars(value);
  return ATTR_SPECIAL.test(clean) ? clean.replace(/[&<>"'\t\n\r]/g, replaceEntity) : clean;
}
