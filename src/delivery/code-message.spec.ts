import fc from 'fast-check';
import { codeMail, codeSms, spacedCode } from './code-message.js';

describe('the code message', () => {
  const now = new Date('2026-12-04T10:00:00Z');
  const notice = { code: '16482913', expiresAt: new Date('2026-12-04T10:10:00Z') };

  it('mail: the app’s name, the code, when it expires, and what to do if you did not ask; the code is not in the subject', () => {
    const mail = codeMail('Integrated auth', notice, now);
    expect(mail.subject).toBe('Your Integrated auth sign-in code');
    expect(mail.text).toBe(
      'Your Integrated auth sign-in code is:\n\n    1648 2913\n\nIt expires at 10:10 UTC, in 10 minutes.\n\nIf you did not ask for this code, ignore this message: nobody can sign in with the code alone.\n',
    );
    expect(mail.html).toContain('<strong>1648 2913</strong>');
    expect(mail.html).toContain('It expires at 10:10 UTC, in 10 minutes.');
    expect(mail.html).toContain('If you did not ask for this code, ignore this message');
  });

  it('SMS: the same facts in one line', () => {
    expect(codeSms('App', { ...notice, expiresAt: new Date('2026-12-04T10:01:00Z') }, now)).toBe(
      'App sign-in code: 1648 2913. It expires at 10:01 UTC, in 1 minute. If you did not ask for it, ignore this message.',
    );
  });

  it('escapes the app’s name in the HTML part (it is configuration, not markup)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40 }), (name) => {
        expect(codeMail(name, notice, now).html).not.toMatch(/<script|<img/i);
      }),
    );
    expect(codeMail('<b>App</b>', notice, now).html).toContain('&lt;b&gt;App&lt;/b&gt;');
  });

  it('spaces an 8-digit code in two groups, and leaves other codes as they are', () => {
    expect(spacedCode('12345678')).toBe('1234 5678');
    expect(spacedCode('abC-161-xYz')).toBe('abC-161-xYz');
  });
});
