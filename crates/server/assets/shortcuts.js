// Keys that work on every page of a workspace: Ctrl/Cmd+K jumps to a conversation or person
// (assets/switcher.js), `/` goes to the search box, Alt+↑/↓ moves to the previous or next
// conversation of the sidebar, and `?` shows every shortcut. The keys of a focused message live in assets/actions.js.

import { openSwitcher } from "/assets/switcher.js";
import { showTotal } from "/assets/unread.js";

const SHEET = [
  ["Everywhere", [
    ["Ctrl K", "Jump to a channel, direct message or person (⌘ K on a Mac)"],
    ["/", "Search messages"],
    ["Alt ↑", "Previous conversation in the sidebar"],
    ["Alt ↓", "Next conversation in the sidebar"],
    ["?", "These shortcuts"],
    ["Esc", "Close a dialog, the thread or the menu; else mark the conversation read"],
    ["Shift Esc", "Mark everything in the workspace read"],
  ]],
  ["Writing a message", [
    ["Enter", "Send"],
    ["Shift Enter", "New line"],
    ["↑", "Edit your last message (in an empty composer)"],
    ["Esc", "Stop editing"],
    ["Shift Tab", "Go to the messages"],
  ]],
  ["On a message", [
    ["R", "React"],
    ["T", "Reply in thread"],
    ["P", "Pin or unpin"],
    ["E", "Edit your message"],
    ["C", "Copy a link to the message"],
    ["U", "Mark unread from this message"],
    ["Delete", "Delete your message"],
    ["↑ ↓", "Previous or next message"],
    ["Esc", "Back to the composer"],
  ]],
];

/** Whether a key press is someone typing text (then `?` is a question mark). */
function typing(event) {
  const target = event.target;
  return target.closest?.("input, textarea, select, [contenteditable='true']") !== null;
}

export function wireShortcuts() {
  const sidebar = document.getElementById("navigation");
  const slug = sidebar?.dataset.slug;
  for (const button of document.querySelectorAll("[data-shortcuts]")) {
    button.addEventListener("click", openSheet);
  }
  for (const form of document.querySelectorAll("form[data-mark-all-read]")) {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      markAllRead(form);
    });
  }
  for (const link of document.querySelectorAll("[data-switcher]")) {
    if (!slug) continue;
    link.querySelector("kbd").textContent = isMac() ? "⌘ K" : "Ctrl K";
    link.addEventListener("click", (event) => {
      event.preventDefault();
      openSwitcher(slug);
    });
  }
  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || document.querySelector("dialog[open]")) return;
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "k" && slug) {
      event.preventDefault();
      openSwitcher(slug);
    } else if (event.altKey && (event.key === "ArrowUp" || event.key === "ArrowDown")) {
      if (moveConversation(event.key === "ArrowUp" ? -1 : 1)) event.preventDefault();
    } else if (event.key === "Escape" && event.shiftKey) {
      const form = document.querySelector("form[data-mark-all-read]");
      if (form) {
        event.preventDefault();
        markAllRead(form);
      }
    } else if (event.key === "/" && !typing(event) && !event.ctrlKey && !event.metaKey && !event.altKey) {
      // The search page's own box first, else the sidebar's.
      const search = document.querySelector("main input[data-search]") || document.querySelector("input[data-search]");
      if (search) {
        event.preventDefault();
        search.focus();
      }
    } else if (event.key === "?" && !typing(event)) {
      event.preventDefault();
      openSheet();
    }
  });
}

/** Everything in the workspace read: over the API, then the sidebar's counts go. */
async function markAllRead(form) {
  const slug = form.action.split("/w/")[1].split("/")[0];
  const response = await fetch(`/api/v1/workspaces/${slug}/read`, {
    method: "PUT",
    headers: { "x-csrf-token": form.elements.csrf.value },
  });
  if (!response.ok) return;
  for (const link of document.querySelectorAll(".sidebar a.conversation-link.unread")) {
    link.classList.remove("unread");
    link.querySelector(".unread-count")?.remove();
  }
  showTotal();
}

function isMac() {
  return /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);
}

/** Opens the sidebar's conversation `step` away from the current one. */
function moveConversation(step) {
  const links = [...document.querySelectorAll(".sidebar a.conversation-link")];
  if (!links.length) return false;
  const at = links.findIndex((a) => a.getAttribute("aria-current") === "page");
  const next = at < 0 ? (step > 0 ? links[0] : links[links.length - 1]) : links[at + step];
  if (!next) return false;
  location.href = next.href;
  return true;
}

function openSheet() {
  const dialog = document.createElement("dialog");
  dialog.className = "dialog shortcuts-sheet";
  dialog.setAttribute("aria-labelledby", "shortcuts-title");
  const head = document.createElement("header");
  head.className = "dialog-head";
  const title = document.createElement("h2");
  title.id = "shortcuts-title";
  title.textContent = "Keyboard shortcuts";
  const close = document.createElement("button");
  close.type = "button";
  close.className = "close-panel";
  close.setAttribute("aria-label", "Close");
  close.textContent = "×";
  close.addEventListener("click", () => dialog.close());
  head.append(title, close);
  dialog.append(head);
  const mac = isMac();
  for (const [heading, keys] of SHEET) {
    const section = document.createElement("section");
    const h3 = document.createElement("h3");
    h3.textContent = heading;
    const list = document.createElement("dl");
    for (const [key, what] of keys) {
      const dt = document.createElement("dt");
      for (const part of key.split(" ")) {
        const kbd = document.createElement("kbd");
        kbd.textContent = mac && part === "Ctrl" ? "⌘" : mac && part === "Alt" ? "⌥" : part;
        dt.append(kbd, " ");
      }
      const dd = document.createElement("dd");
      dd.textContent = what;
      list.append(dt, dd);
    }
    section.append(h3, list);
    dialog.append(section);
  }
  dialog.addEventListener("close", () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  close.focus();
}
