/** Tiki's answer to a platform API call: its own 2xx or 4xx status with its `{data, error}` body. */
export interface TikiAnswer {
  status: number;
  body: { data: unknown; error: unknown };
}

/**
 * The Tiki platform API contract: one signed POST of a JSON object. 2xx and Tiki's own 4xx answers
 * resolve (so a mini app sees what Tiki said); anything else rejects with a TikiApiError.
 */
export abstract class TikiPlatformApi {
  abstract call(path: string, body: Record<string, string>): Promise<TikiAnswer>;
}
