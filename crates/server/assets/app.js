// OComms page behaviour. Every page works without this file; it only adds comfort:
// local times, copy buttons, confirmations, the time-zone suggestion, and (in the app shell)
// the narrow-screen drawer, the members panel toggle, the keyboard shortcuts, and on a
// workspace's pages other than a conversation, the live sidebar (assets/live.js).
// Plain ES modules, served from the binary: no bundler, no dependencies.

import { followPersonalExport } from "/assets/export.js";
import { wireDrawer, wireMembersPanel } from "/assets/layout.js";
import { wireLiveSidebar } from "/assets/live.js";
import { wireNotificationSettings } from "/assets/notify.js";
import { wireShortcuts } from "/assets/shortcuts.js";
import { showTotal } from "/assets/unread.js";

// Styles that only make sense with this script (the hover toolbar, say) key off this class.
document.documentElement.classList.add("js");

/** Shows `<time datetime>` values in the reader's own time zone and language. */
function localiseTimes(root) {
  const format = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
  for (const el of root.querySelectorAll("time[datetime]")) {
    const date = new Date(el.getAttribute("datetime"));
    if (!Number.isNaN(date.getTime())) {
      el.title = el.textContent;
      el.textContent = format.format(date);
    }
  }
}

/** `<button data-copy="#selector">` copies that input's value and says so. */
function wireCopyButtons(root) {
  for (const button of root.querySelectorAll("button[data-copy]")) {
    button.addEventListener("click", async () => {
      const input = root.querySelector(button.dataset.copy);
      if (!input) return;
      try {
        await navigator.clipboard.writeText(input.value);
      } catch {
        input.select();
        document.execCommand("copy");
      }
      const label = button.textContent;
      button.textContent = "Copied";
      button.setAttribute("aria-live", "polite");
      setTimeout(() => { button.textContent = label; }, 2000);
    });
  }
}

/** `<form data-confirm="Question?">` asks before submitting a destructive action. */
function wireConfirmations(root) {
  for (const form of root.querySelectorAll("form[data-confirm]")) {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  }
}

/** An empty time-zone field is pre-filled with the browser's zone (the user still saves). */
function suggestTimeZone(root) {
  const input = root.querySelector("input[data-detect-time-zone]");
  if (input && !input.value) {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone) input.placeholder = zone;
  }
}

/**
 * `<input data-filter-list="#list">` hides the list's `[data-filter-text]` items that do not
 * contain what is typed: instant filtering on top of the server-side search.
 */
function wireListFilters(root) {
  for (const input of root.querySelectorAll("input[data-filter-list]")) {
    const list = root.querySelector(input.dataset.filterList);
    if (!list) continue;
    input.addEventListener("input", () => {
      const needle = input.value.trim().replace(/^#/, "").toLowerCase();
      for (const item of list.querySelectorAll("[data-filter-text]")) {
        item.hidden = !item.dataset.filterText.toLowerCase().includes(needle);
      }
    });
  }
}

localiseTimes(document);
wireListFilters(document);
wireCopyButtons(document);
wireConfirmations(document);
suggestTimeZone(document);
wireDrawer();
wireMembersPanel();
wireShortcuts();
wireNotificationSettings();
showTotal();
wireLiveSidebar();
followPersonalExport();
