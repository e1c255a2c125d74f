import { z } from 'zod';
import { AppError } from './app-error.js';
import { openApiSchema, ZodPipe } from './validation.js';

class BadBodyError extends AppError {
  constructor(detail: string) {
    super('BAD_BODY', `Expected {"name": "…"}: ${detail}.`, 400);
  }
}

const schema = z.strictObject({ name: z.string().min(1, '"name" must not be empty').max(5, '"name" is too long').meta({ example: 'Ann' }) });

describe('one validation style: a zod schema checks the body and documents it', () => {
  it('passes a valid body through, parsed', () => {
    expect(new ZodPipe(schema, (d) => new BadBodyError(d)).transform({ name: 'Ann' })).toEqual({ name: 'Ann' });
  });

  it('a mismatch is the route’s own error, with every issue named', () => {
    const pipe = new ZodPipe(schema, (d) => new BadBodyError(d));
    expect(() => pipe.transform({ name: '' })).toThrow(new BadBodyError('"name" must not be empty'));
    expect(() => pipe.transform({ name: 'Annabel', more: 1 })).toThrow(BadBodyError);
  });

  it('the OpenAPI schema comes from the same zod schema', () => {
    expect(openApiSchema(schema)).toMatchObject({
      type: 'object',
      required: ['name'],
      properties: { name: { type: 'string', minLength: 1, maxLength: 5, example: 'Ann' } },
      additionalProperties: false,
    });
  });
});
