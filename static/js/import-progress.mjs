// While an import runs, ask for its progress every two seconds and say it in the live region;
// when it finishes, show the result page. Without JavaScript the "Check again" link does this.
const box = document.querySelector("[data-import-progress]");
if (box) {
  const status = box.querySelector("[data-import-status]");
  const poll = async () => {
    try {
      const response = await fetch(box.dataset.importProgress, { headers: { Accept: "application/json" } });
      const progress = await response.json();
      if (progress.finished) {
        window.location.reload();
        return;
      }
      // The server words the status (queued, progress not available, rows so far).
      if (status.textContent !== progress.status) status.textContent = progress.status;
    } catch {
      // A missed poll is retried on the next tick.
    }
    window.setTimeout(poll, 2000);
  };
  window.setTimeout(poll, 2000);
}
