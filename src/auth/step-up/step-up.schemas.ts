import { z } from 'zod';

const returnTo = z.string().max(4096).optional();

/** The send form: only where to go back to (the destination never comes from input). */
export const sendFormSchema = z.strictObject({ returnTo }, { error: () => 'the form has unexpected fields' });

/** The verify form: the code as typed (spaces and dashes allowed) and where to go back to. */
export const verifyFormSchema = z.strictObject(
  {
    code: z
      .string({ error: () => 'enter the code you received' })
      .trim()
      .min(1, 'enter the code you received')
      .max(32, 'that is longer than any code'),
    returnTo,
  },
  { error: () => 'the form has unexpected fields' },
);
