/**
 * The scrape token for METRICS_AUTH=token. Observability only checks it; where it comes from (the
 * secret store, in this service) is the root module's choice, so observability depends on no
 * feature.
 */
export abstract class MetricsToken {
  abstract read(): Promise<string>;
}
