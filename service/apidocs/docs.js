// Starts Swagger UI from this file rather than an inline script, so the page's
// Content-Security-Policy can forbid inline scripts.
"use strict";

window.addEventListener("DOMContentLoaded", () => {
  const root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.dataset.spec,
    domNode: root,
    deepLinking: true,
    // The default sends the spec's address to a public validator and shows its badge.
    validatorUrl: null,
    // The key someone pastes into Authorize stays in this tab's memory, never in localStorage.
    persistAuthorization: false,
  });
});
