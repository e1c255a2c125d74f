import type { AuthUser } from '../auth/auth-user.js';
import { html } from '../common/views/html.js';
import { page } from '../common/views/page.js';
import { PRODUCT, type ProductDetails, type ProductReviews, type ServiceAnswer } from './product-page.service.js';

/** Seed 003's productpage.html: the product, its details and its reviews, each with the status its service answered. */
export function productPage(user: AuthUser, details: ServiceAnswer<ProductDetails>, reviews: ServiceAnswer<ProductReviews>): string {
  const d = details.body;
  return page(
    PRODUCT.title,
    html`<nav><span id="user-name">${user.name}</span> · <a href="/">Home</a></nav>
<h1 id="product-title">${PRODUCT.title}</h1>
<p>${PRODUCT.description}</p>
<section id="details" data-status="${details.status}">
<h2>Book Details</h2>
${
  d
    ? html`<dl><dt>Type</dt><dd>${d.type ?? ''}</dd><dt>Pages</dt><dd>${d.pages ?? ''}</dd><dt>Publisher</dt><dd>${d.publisher ?? ''}</dd>
<dt>Language</dt><dd>${d.language ?? ''}</dd><dt>ISBN-10</dt><dd>${d['ISBN-10'] ?? ''}</dd><dt>ISBN-13</dt><dd>${d['ISBN-13'] ?? ''}</dd>
<dt>Author</dt><dd id="details-author">${d.author ?? ''}</dd></dl>`
    : html`<p id="details-unavailable">Sorry, product details are currently unavailable for this book (status ${details.status}).</p>`
}
</section>
<section id="reviews" data-status="${reviews.status}">
<h2>Book Reviews</h2>
${
  reviews.body?.reviews
    ? reviews.body.reviews.map((r) => html`<blockquote class="review"><p>${r.text ?? ''}</p><small>${r.reviewer ?? ''}</small></blockquote>`)
    : html`<p id="reviews-unavailable">Sorry, product reviews are currently unavailable for this book (status ${reviews.status}).</p>`
}
</section>`,
  );
}
