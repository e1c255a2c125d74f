import { applyDecorators, Body, type PipeTransform } from '@nestjs/common';
import { ApiBody, ApiResponse, type ApiResponseOptions } from '@nestjs/swagger';
import { z } from 'zod';
import type { AppError } from './app-error.js';

/** What a route answers when its body does not match its schema: its own error, from the issues' messages. */
export type InvalidBody = (detail: string) => AppError;

/** Validates (and narrows) a value against a zod schema; a mismatch throws the route's own error. */
export class ZodPipe<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  constructor(
    private readonly schema: S,
    private readonly invalid: InvalidBody,
  ) {}

  transform(value: unknown): z.output<S> {
    return parseWith(this.schema, value, this.invalid);
  }
}

/** The one validation step, for the pipe and for bodies read another way (the Tini App's raw body). */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, invalid: InvalidBody): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw invalid(result.error.issues.map((issue) => issue.message).join('; '));
  return result.data;
}

/** The OpenAPI (3.0) schema of a zod schema: the request and response documents come from the schemas the code validates with. */
export function openApiSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _dialect, ...document } = z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return document;
}

/**
 * The request body, validated by `schema` (a mismatch answers `invalid(detail)`), and documented
 * from the same schema.
 */
export const ValidBody = <S extends z.ZodType>(schema: S, invalid: InvalidBody) => Body(new ZodPipe(schema, invalid));

/** `@ApiBody` from a zod schema. */
export const ApiZodBody = (schema: z.ZodType) => ApiBody({ schema: openApiSchema(schema) });

/** `@ApiResponse` with its body schema from a zod schema. */
export const ApiZodResponse = (options: Omit<ApiResponseOptions, 'schema' | 'type'> & { status: number | 'default' | '4XX' | '5XX' }, schema: z.ZodType) =>
  applyDecorators(ApiResponse({ ...options, schema: openApiSchema(schema) } as ApiResponseOptions));

/** Every error answer: a stable code and a message safe to show. */
export const errorBodySchema = z.object({
  error: z.string().meta({ example: 'NUMBER_API_BAD_STATUS' }),
  message: z.string().meta({ example: 'Could not get you a code.' }),
});
