import { Injectable, Logger } from '@nestjs/common';
import type { RequestWithUser } from '../auth/auth-user.js';
import { SessionEndedError } from '../auth/auth.errors.js';
import { DownstreamHttpClient } from '../auth/downstream/downstream-http.client.js';
import { ProductPageConfig } from './product-page.config.js';

/** The product the page shows (seed 003's bookinfo product 0). */
export const PRODUCT = { id: 0, title: 'The Comedy of Errors', description: 'Wikipedia Summary: The Comedy of Errors is one of William Shakespeare\'s early plays.' } as const;

/** One service's answer: its status (0 when it could not be reached) and body. */
export interface ServiceAnswer<T> {
  status: number;
  body?: T;
}

export interface ProductDetails {
  author?: string;
  year?: number;
  type?: string;
  pages?: number;
  publisher?: string;
  language?: string;
  'ISBN-10'?: string;
  'ISBN-13'?: string;
}

export interface ProductReviews {
  reviews?: Array<{ reviewer?: string; text?: string }>;
}

/**
 * Seed 003's home(): the product, then details and reviews, called as the user (a token exchanged
 * for each service's audience, the request's trace headers) in parallel. A 401 from either ends
 * the session (DownstreamHttpClient) and SessionEndedError sends the browser to log in again;
 * any other failure shows that part as unavailable, as the seed's page does.
 */
@Injectable()
export class ProductPageService {
  private readonly logger = new Logger('ProductPage');

  constructor(
    private readonly config: ProductPageConfig,
    private readonly downstream: DownstreamHttpClient,
  ) {}

  async load(req: RequestWithUser): Promise<{ details: ServiceAnswer<ProductDetails>; reviews: ServiceAnswer<ProductReviews> }> {
    const [details, reviews] = await Promise.allSettled([
      this.downstream.getJson<ProductDetails>(req, `${this.config.detailsUrl!.replace(/\/+$/, '')}/details/${PRODUCT.id}`, this.config.detailsAudience),
      this.downstream.getJson<ProductReviews>(req, `${this.config.reviewsUrl!.replace(/\/+$/, '')}/reviews/${PRODUCT.id}`, this.config.reviewsAudience),
    ]);
    for (const outcome of [details, reviews]) if (outcome.status === 'rejected' && outcome.reason instanceof SessionEndedError) throw outcome.reason;
    return { details: this.answerOf('details', details), reviews: this.answerOf('reviews', reviews) };
  }

  private answerOf<T>(service: string, outcome: PromiseSettledResult<{ status: number; body: T | undefined }>): ServiceAnswer<T> {
    if (outcome.status === 'fulfilled') {
      this.logger.log(`[${outcome.value.status}] ${service} answered`);
      return outcome.value.status === 200 ? outcome.value : { status: outcome.value.status };
    }
    this.logger.warn(`${service} could not be called: ${(outcome.reason as Error).message}`);
    return { status: 0 };
  }
}
