import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';

@ApiExcludeController()
@Controller()
export class HomeController {
  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  home(): string {
    return renderHomePage();
  }
}

export function renderHomePage(): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Integrated auth service</title></head>
<body>
<main>
<h1>Home page of the main app</h1>
<p>Make a request to <a href="./api/v1/getcode">/api/v1/getcode</a>.</p>
<p>API documentation: <a href="./docs">/docs</a>.</p>
</main>
</body>
</html>
`;
}
