import { type DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { when } from '../config/module-sections.js';
import { ProductPageController } from './product-page.controller.js';
import { productPageConfigSection } from './product-page.config.js';
import { ProductPageService } from './product-page.service.js';

/** Seed 003's product page over its details and reviews services. */
@Module({
  imports: [productPageConfigSection.forFeature(), AuthModule],
  controllers: [ProductPageController],
  providers: [ProductPageService],
})
export class ProductPageModule {
  /** For a process root: only when DETAILS_API_URL and REVIEWS_API_URL are set (otherwise /productpage answers 404). */
  static whenConfigured(): DynamicModule {
    return when(productPageConfigSection, (page) => page.enabled, ProductPageModule);
  }
}
