// The service's only script (no inline script anywhere: the Content-Security-Policy forbids it).
// 1. Tell GOV.UK Frontend that scripts run, and start its components.
// 2. Draw each chart from its Vega-Lite spec (the report's own), kept in a JSON data block beside it; vega
//    runs its expressions through its interpreter (ast: true), so no eval is needed. The table under each
//    chart holds the same figures for anyone who cannot see it, or when scripts are off.
import { initAll } from "/static/vendor/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

for (const block of document.querySelectorAll("script[type='application/json'][id^='spec-']")) {
  const target = document.getElementById(block.id.slice("spec-".length));
  if (!target || !window.vegaEmbed) continue;
  const spec = JSON.parse(block.textContent);
  window
    .vegaEmbed(target, spec, { actions: false, renderer: "svg", ast: true, tooltip: false, defaultStyle: false })
    .then((result) => {
      // One image named by the chart's alt text (the spec's description, as in the report); the marks
      // inside are drawing, not content: the table below the chart holds the figures.
      const svg = target.querySelector("svg");
      if (svg) {
        svg.setAttribute("role", "img");
        svg.setAttribute("aria-label", spec.description || target.dataset.alt || "");
        for (const part of svg.querySelectorAll("[role], [aria-roledescription], [aria-label]")) {
          part.removeAttribute("role");
          part.removeAttribute("aria-roledescription");
          part.removeAttribute("aria-label");
        }
      }
      target.setAttribute("data-rendered", "true");
      return result;
    })
    .catch(() => target.setAttribute("data-rendered", "failed"));
}
