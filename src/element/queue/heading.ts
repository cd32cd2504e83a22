import { html, type TemplateResult } from 'lit';

/**
 * A panel title as a real heading, `<h1>`–`<h6>` as the page's outline needs (RGAA 9.1), focusable from
 * script (`tabindex="-1"`) so focus has somewhere to go when a control disappears. Lit cannot vary a tag
 * name in a template, so each level gets its own template strings, made once and reused (Lit caches
 * templates by these arrays): what lit/static-html does, without its ~400 bytes on the login page.
 */
const levels: TemplateStringsArray[] = [];

/** `level`: the `heading-level` attribute; anything but 1–6 means 2. */
export function heading(level: unknown, text: string): TemplateResult {
  // `| 0` converts as Number() would ("3" → 3, junk → 0): the attribute's string needs no Number() call.
  const n = (level as number) | 0;
  const h = n > 0 && n < 7 ? n : 2;
  // `raw` makes it pass Lit's check that the strings come from a template literal (they do, just above).
  const strings = (levels[h] ??= Object.assign([`<h${h} class="title" tabindex="-1">`, `</h${h}>`], { raw: [] }) as unknown as TemplateStringsArray);
  return html(strings, text);
}
