import type { NextFunction, Request, Response } from 'express';
import { context, propagation, trace, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { metricsWanted, recordHttpRequest, tracer, tracingWanted } from './instruments.js';

/**
 * One server span and one latency observation per request. The span continues the caller's W3C
 * `traceparent` and is active for everything the handler awaits (number API call, queue send).
 * The route label is the matched route template, never the raw path, so label cardinality stays
 * bounded; requests no route matched are labelled "unmatched".
 */
export function httpTelemetryMiddleware(req: Request, res: Response, next: NextFunction): void {
  // performance.now(): a double, where hrtime.bigint() allocated two BigInts per request.
  const started = performance.now();
  const parent = req.headers.traceparent === undefined ? context.active() : propagation.extract(context.active(), req.headers);
  if (!tracingWanted(parent)) {
    // Metrics off (production's default) and no trace: nothing to record for this request.
    if (!metricsWanted()) {
      next();
      return;
    }
    // No exporter and no caller's trace: only the latency histogram, no span or context switch.
    res.once('close', () => {
      recordHttpRequest({ route: routeOf(req), method: req.method, status: res.headersSent ? res.statusCode : 499 }, (performance.now() - started) / 1000);
    });
    next();
    return;
  }
  const span = tracer().startSpan(
    `${req.method} request`,
    { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method, 'url.path': req.path } },
    parent,
  );
  res.once('close', () => {
    const route = routeOf(req);
    const status = res.headersSent ? res.statusCode : 499;
    const seconds = (performance.now() - started) / 1000;
    recordHttpRequest({ route, method: req.method, status }, seconds);
    span.updateName(`${req.method} ${route}`);
    span.setAttributes({ 'http.route': route, 'http.response.status_code': status });
    if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  });
  context.with(trace.setSpan(parent, span), () => next());
}

const CATCH_ALL = /^\/?(\*|\{\*)\w*\}?$/;

function routeOf(req: Request): string {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  // Nest answers 404 from a catch-all route (`/*path`): that is no route either.
  if (typeof path !== 'string' || CATCH_ALL.test(path)) return 'unmatched';
  return `${req.baseUrl}${path}`;
}
