// "Your data" on the account page: while the download is being prepared, shows its progress
// from the API (GET /api/v1/me/exports/{id}) and, once ready, the download link in place.
// Without this script the page says "Reload" and shows the same on reload.

const POLL_MS = 1000;

/** Follows a running download shown in `[data-personal-export][data-state=running]`. */
export function followPersonalExport() {
  const box = document.querySelector("[data-personal-export][data-state=running]");
  if (!box) return;
  const status = box.querySelector("[data-export-status]");
  const bar = box.querySelector("[data-export-progress]");
  const poll = async () => {
    let exp;
    try {
      const response = await fetch(`/api/v1/me/exports/${encodeURIComponent(box.dataset.id)}`);
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      exp = await response.json();
    } catch {
      setTimeout(poll, POLL_MS * 5); // offline or restarting: try again a little later
      return;
    }
    box.dataset.state = exp.state;
    if (exp.state === "running") {
      status.textContent = exp.total > 0 ? `Preparing… ${exp.done} of ${exp.total} messages.` : "Preparing…";
      bar.max = Math.max(exp.total, 1);
      bar.value = exp.done;
      setTimeout(poll, POLL_MS);
    } else if (exp.state === "ready") {
      showReady(box, exp);
    } else {
      box.replaceChildren(paragraph(`Preparing your data failed: ${exp.error ?? "unknown error"}.`, "error-text"));
      box.firstChild.setAttribute("role", "alert");
    }
  };
  setTimeout(poll, POLL_MS);
}

function showReady(box, exp) {
  const p = paragraph("Your data is ready: ");
  p.setAttribute("aria-live", "polite");
  const link = document.createElement("a");
  link.className = "button primary";
  link.href = exp.download_url;
  link.setAttribute("download", "");
  link.textContent = "Download my data";
  p.append(link);
  box.replaceChildren(p);
}

function paragraph(text, className) {
  const p = document.createElement("p");
  p.textContent = text;
  if (className) p.className = className;
  return p;
}
