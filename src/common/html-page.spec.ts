import { Controller, Get, type INestApplication, Post } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { AppError } from './app-error.js';
import { AppExceptionFilter } from './app-exception.filter.js';
import { HtmlPage } from './html-page.js';
import { html } from './views/html.js';
import { page } from './views/page.js';

class GoneError extends AppError {
  constructor() {
    super('GONE', 'It <went> away.', 410, { headers: { 'Retry-After': '7' } });
  }
}
class SignInFirstError extends AppError {
  constructor() {
    super('NOT_AUTHENTICATED', 'Sign in first.', 401);
  }
  override pageRedirect(request: { method: string; originalUrl: string }): string | undefined {
    return request.method === 'GET' ? `/login?back=${encodeURIComponent(request.originalUrl)}` : undefined;
  }
}

@Controller()
class RoutesController {
  @Get('api')
  api(): never {
    throw new GoneError();
  }

  @Get('page')
  @HtmlPage()
  plainPage(): never {
    throw new GoneError();
  }

  @Get('own')
  @HtmlPage((error) => page('Own', html`<p id="own">${error.status} ${error.error} ${error.message} ${error.headers['Retry-After']}</p>`))
  ownView(): never {
    throw new GoneError();
  }

  @Get('private')
  @HtmlPage()
  privatePage(): never {
    throw new SignInFirstError();
  }

  @Post('private')
  @HtmlPage()
  privateForm(): never {
    throw new SignInFirstError();
  }
}

describe('@HtmlPage(): the same error mapping as the API, answered as a page', () => {
  let app: INestApplication;
  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ controllers: [RoutesController] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    app.useGlobalFilters(new AppExceptionFilter());
    await app.init();
  });
  afterAll(() => app.close());

  it('an API route answers the error as JSON', async () => {
    const res = await request(app.getHttpServer()).get('/api');
    expect([res.status, res.body, res.headers['retry-after']]).toEqual([410, { error: 'GONE', message: 'It <went> away.' }, '7']);
  });

  it('a page answers the same status and headers with the plain error page (escaped, never cached)', async () => {
    const res = await request(app.getHttpServer()).get('/page');
    expect([res.status, res.headers['content-type'], res.headers['retry-after'], res.headers['cache-control']]).toEqual([410, 'text/html; charset=utf-8', '7', 'no-store']);
    expect(res.text).toContain('<p id="error-message">It &lt;went&gt; away.</p>');
  });

  it('a page with its own error view gets the status, code, message and headers', async () => {
    const res = await request(app.getHttpServer()).get('/own');
    expect(res.status).toBe(410);
    expect(res.text).toContain('<p id="own">410 GONE It &lt;went&gt; away. 7</p>');
  });

  it('an error may send a page’s browser elsewhere (to log in) instead', async () => {
    const res = await request(app.getHttpServer()).get('/private?tab=1');
    expect([res.status, res.headers.location]).toEqual([302, '/login?back=%2Fprivate%3Ftab%3D1']);
    expect((await request(app.getHttpServer()).post('/private')).status).toBe(401);
  });
});
