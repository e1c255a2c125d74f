/** The number-source contract: one integer per call, or a NumberApiError. */
export abstract class NumberApi {
  abstract getNumber(options?: { signal?: AbortSignal }): Promise<number>;
  /** Cheap reachability check for readiness; resolves when the API answers as expected. */
  abstract ping(): Promise<void>;
}
