import { AppError } from '../common/app-error.js';

export class MetricsDisabledError extends AppError {
  constructor() {
    super('NOT_FOUND', 'Cannot GET /metrics', 404);
  }
}

export class MetricsUnauthorizedError extends AppError {
  constructor() {
    super('UNAUTHORIZED', 'Metrics need a valid bearer token.', 401, { headers: { 'WWW-Authenticate': 'Bearer realm="metrics"' } });
  }
}
