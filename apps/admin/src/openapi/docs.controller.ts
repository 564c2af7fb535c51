import { Controller, Get, Header, Inject, type Type } from '@nestjs/common';
import { ADMIN_CONTROLLERS } from '../common/tokens.js';
import { Public } from '../auth/public.decorator.js';
import { buildOpenApiDocument } from './openapi-document.js';
import { routesOf } from './route-table.js';

const docsHtml = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Switchboard admin API</title>
<link rel="stylesheet" href="/api/docs/assets/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/api/docs/assets/swagger-ui-bundle.js"></script>
<script src="/api/docs/init.js"></script>
</body>
</html>
`;

// A file, not an inline script, so the Content-Security-Policy can forbid inline scripts.
const initJs = `window.ui = SwaggerUIBundle({ url: '/api/openapi.json', dom_id: '#swagger-ui', deepLinking: true });\n`;

@Public()
@Controller('api')
export class DocsController {
  private readonly document: Record<string, unknown>;

  constructor(@Inject(ADMIN_CONTROLLERS) controllers: readonly Type[]) {
    // The docs routes themselves are not part of the API.
    this.document = buildOpenApiDocument(routesOf(controllers.filter((c) => c !== DocsController)));
  }

  @Get('openapi.json')
  openApi(): Record<string, unknown> {
    return this.document;
  }

  @Get('docs')
  @Header('Content-Type', 'text/html; charset=utf-8')
  docs(): string {
    return docsHtml;
  }

  @Get('docs/init.js')
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  init(): string {
    return initJs;
  }
}
