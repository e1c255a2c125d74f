import { Controller, Get, Req } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { RequestWithUser } from '../auth/auth-user.js';
import { Authenticated } from '../auth/guard/auth.decorators.js';
import { HtmlPage } from '../common/html-page.js';
import { productPage } from './product-page.pages.js';
import { ProductPageService } from './product-page.service.js';

/** GET /productpage: signed-in users only (others go to log in and come back); a 401 from a service sends them to log in again. */
@ApiExcludeController()
@Controller()
export class ProductPageController {
  constructor(private readonly products: ProductPageService) {}

  @Authenticated()
  @Get('productpage')
  @HtmlPage()
  async show(@Req() req: RequestWithUser): Promise<string> {
    const { details, reviews } = await this.products.load(req);
    return productPage(req.user!, details, reviews);
  }
}
