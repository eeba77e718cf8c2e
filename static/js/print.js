// The print view's "Drucken" button; a static file, so no inline handler is needed.
for (const button of document.querySelectorAll("[data-print]")) {
  button.addEventListener("click", () => window.print());
}
