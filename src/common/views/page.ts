import { type Html, html } from './html.js';

/**
 * The one page shell: doctype, language, charset, title and a main element. `head` adds trusted
 * head elements (a meta refresh). No script: the CSP forbids inline script, and no page needs one.
 */
export function page(title: string, body: Html, head?: Html): string {
  return html`<!doctype html>
<html lang="en">
<head><meta charset="utf-8">${head}<title>${title}</title></head>
<body>
<main>
${body}
</main>
</body>
</html>
`.markup;
}
