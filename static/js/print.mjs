// A print button where JavaScript runs; the page's print stylesheet gives a clean visit note.
for (const button of document.querySelectorAll("[data-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
