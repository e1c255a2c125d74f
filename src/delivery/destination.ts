/** Where a code can be sent: an e-mail address or a phone number, as the IdP verified it. */
export type Destination = { readonly kind: 'email'; readonly address: string } | { readonly kind: 'phone'; readonly number: string };
export type DestinationKind = Destination['kind'];

/** The user's verified contacts, as auth found them in the IdP's claims (only `*_verified: true` ones). */
export interface Contacts {
  readonly email?: string;
  readonly phoneNumber?: string;
}

/** The destination of `kind` among the user's verified contacts, if there is one. */
export function destinationOf(contacts: Contacts | undefined, kind: DestinationKind | undefined): Destination | undefined {
  if (kind === 'email' && contacts?.email) return { kind: 'email', address: contacts.email };
  if (kind === 'phone' && contacts?.phoneNumber) return { kind: 'phone', number: contacts.phoneNumber };
  return undefined;
}

const DOT = '\u2022';

/**
 * The destination as pages and log lines show it: `d•••@example.test`, `+•••••••••23`. Enough for
 * the user to recognise, too little to harvest.
 */
export function maskDestination(destination: Destination): string {
  if (destination.kind === 'email') {
    const at = destination.address.lastIndexOf('@');
    return `${destination.address[0]}${DOT.repeat(3)}${destination.address.slice(at)}`;
  }
  return `+${DOT.repeat(Math.max(3, destination.number.length - 3))}${destination.number.slice(-2)}`;
}
