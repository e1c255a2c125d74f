import fc from 'fast-check';
import { escapeHtml, html, raw } from './html.js';
import { page } from './page.js';

describe('html (the one place HTML is escaped)', () => {
  it('escapes every interpolation, in text and in attributes', () => {
    const value = `<script>alert("x")</script>&'`;
    expect(html`<p title="${value}">${value}</p>`.markup).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;</p>',
    );
  });

  it('inserts fragments it made (and raw constants) as they are, joins arrays, and leaves out undefined, null and false', () => {
    const item = (text: string) => html`<li>${text}</li>`;
    expect(html`<ul>${['a<', 'b'].map(item)}</ul>${raw('<hr>')}${undefined}${null}${false}${0}`.markup).toBe('<ul><li>a&lt;</li><li>b</li></ul><hr>0');
  });

  it('no string put in can open a tag or end an attribute', () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        expect(html`<a href="${value}">${value}</a>`.markup).toBe(`<a href="${escapeHtml(value)}">${escapeHtml(value)}</a>`);
        expect(escapeHtml(value)).not.toMatch(/[<>"']/);
      }),
    );
  });

  it('one page shell: doctype, language, charset, the escaped title and a main element', () => {
    const doc = page('A & B', html`<p>hi</p>`, html`<meta name="x" content="y">`);
    expect(doc).toMatch(/^<!doctype html>\n<html lang="en">\n<head><meta charset="utf-8"><meta name="x" content="y"><title>A &amp; B<\/title><\/head>/);
    expect(doc).toContain('<main>\n<p>hi</p>\n</main>');
  });
});
