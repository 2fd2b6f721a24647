/**
 * Browsable API docs: Swagger UI (served from this app, no CDN — plants are often offline) over
 * /api/openapi.json. "Authorize" takes a Firebase ID token.
 */
export default defineEventHandler((event) => {
  setResponseHeader(event, 'content-type', 'text/html; charset=utf-8')
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Plant Telemetry API</title>
  <link rel="stylesheet" href="/_swagger/swagger-ui.css">
</head>
<body>
  <div id="docs"></div>
  <script src="/_swagger/swagger-ui-bundle.js"></script>
  <script>SwaggerUIBundle({ url: '/api/openapi.json', dom_id: '#docs', persistAuthorization: true })</script>
</body>
</html>`
})
