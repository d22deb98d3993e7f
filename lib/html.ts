/**
 * HTML and markdown text for notebook outputs: escaping of every string that comes from a file
 * (honeypot data is attacker-written), a small table of strings, and JSON safe inside an inline
 * script. Pure functions: strings in, strings out.
 */

const HTML_ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&#34;',
  "'": '&#39;',
};

/**
 * Escapes text for HTML element content and quoted attribute values: `& < > " '`.
 * Also the right escaping for Plotly text (trace names, titles, hover), which Plotly reads as
 * pseudo-HTML and whose entities it decodes back to plain text.
 */
export function escapeHtml(text: string): string {
  return String(text).replace(/[&<>"']/g, (ch) => HTML_ENTITIES[ch]);
}

const DECODED_ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  '#34': '"',
  '#39': "'",
  '#37': '%',
};

/**
 * Decodes the entities {@link escapeHtml} writes, plus `&quot;` (nbconvert's attribute quoting)
 * and `&#37;` (Plotly hover templates escape `%`), in one pass so `&amp;lt;` stays `&lt;`.
 * Other entities are left as written. The one decoder for page attributes and Plotly titles.
 */
export function unescapeHtml(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#34|#39|#37);/g, (_, name: string) => DECODED_ENTITIES[name]);
}

/**
 * Escapes text for Jupyter markdown so that it renders literally: markdown punctuation gets a
 * backslash, `& < >` become entities (markdown passes raw HTML through), and line breaks become
 * spaces so a hostile label cannot start a heading, list or table row.
 */
export function escapeMarkdown(text: string): string {
  return String(text)
    .replace(/\r\n|[\r\n\u2028\u2029]/g, ' ')
    .replace(/[\\`*_{}[\]()#+\-.!|~$]/g, (ch) => `\\${ch}`)
    .replace(/[&<>]/g, (ch) => HTML_ENTITIES[ch]);
}

/** A small HTML table from header strings and rows of cells; every cell is escaped. */
export function simpleTableHtml(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const th = header.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const tr = rows
    .map((row) => `<tr>${row.map((cell) => `<td>${escapeHtml(String(cell))}</td>`).join('')}</tr>`)
    .join('');
  return `<table border="1" class="dataframe"><thead><tr style="text-align: left;">${th}</tr></thead><tbody>${tr}</tbody></table>`;
}

/**
 * JSON for an inline `<script type="application/json">`: `<`, `>`, `&` and the JavaScript line
 * separators become `\u` escapes, so no string from the data can close the element.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
