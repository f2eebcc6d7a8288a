// Swagger UI on the service's own OpenAPI document. Its files are served by the service (a hall's closed
// network reaches no CDN), and this file stands in for the inline script of FastAPI's page: the
// Content-Security-Policy of every page allows scripts from the service only.
window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  layout: "BaseLayout",
  deepLinking: true,
  showExtensions: true,
  showCommonExtensions: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
});
