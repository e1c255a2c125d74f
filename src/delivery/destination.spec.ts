import fc from 'fast-check';
import { destinationOf, maskDestination } from './destination.js';

describe('destinations', () => {
  it('takes the verified contact of the channel’s kind, and none of another kind', () => {
    const contacts = { email: 'dana@example.test', phoneNumber: '+14255550123' };
    expect(destinationOf(contacts, 'email')).toEqual({ kind: 'email', address: 'dana@example.test' });
    expect(destinationOf(contacts, 'phone')).toEqual({ kind: 'phone', number: '+14255550123' });
    expect(destinationOf({ email: 'dana@example.test' }, 'phone')).toBeUndefined();
    expect(destinationOf(contacts, undefined)).toBeUndefined();
    expect(destinationOf(undefined, 'email')).toBeUndefined();
  });

  it('masks as d•••@example.test and +•••••••••23', () => {
    expect(maskDestination({ kind: 'email', address: 'demo@example.test' })).toBe('d\u2022\u2022\u2022@example.test');
    expect(maskDestination({ kind: 'phone', number: '+14255550123' })).toBe('+\u2022\u2022\u2022\u2022\u2022\u2022\u2022\u2022\u202223');
  });

  it('never shows more than the first character of the local part, nor more than two digits of a number', () => {
    fc.assert(
      fc.property(fc.emailAddress(), (address) => {
        const masked = maskDestination({ kind: 'email', address });
        const local = address.slice(0, address.lastIndexOf('@'));
        expect(masked).toBe(`${local[0]}\u2022\u2022\u2022${address.slice(address.lastIndexOf('@'))}`);
      }),
    );
    fc.assert(
      fc.property(fc.stringMatching(/^\+[1-9]\d{6,14}$/), (number) => {
        expect(maskDestination({ kind: 'phone', number }).replace(/\D/g, '')).toBe(number.slice(-2));
      }),
    );
  });
});
