// The day list's "Drucken" button; a file, not an onclick attribute, so the
// Content-Security-Policy can forbid inline scripts.
document.querySelectorAll("[data-print]").forEach((button) => {
  button.addEventListener("click", () => window.print());
});
