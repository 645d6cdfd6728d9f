// What can be done to a message: the toolbar that appears on hover or focus (react, reply in
// thread, pin, edit, copy link, delete) and the same actions from the keyboard on a focused
// message. ↑/↓ move between messages; one message of a list is in the Tab order at a time
// (a roving tabindex), so Tab leaves the list in one step. The server renders the same
// actions as plain forms for pages without this script; the `?` sheet lists the keys
// (assets/shortcuts.js).

import { threadUrl } from "/assets/messages.js";
import { openPicker } from "/assets/reactions.js";

/**
 * Draws the toolbar of `li` from scratch. `pane` does the work: `edit(li)`, `pin(li)`,
 * `remove(li)`; `ctx` says what the viewer may do (`me`, `canPin`, `reacting`).
 */
export function drawToolbar(li, pane) {
  li.querySelector(".message-toolbar")?.remove();
  li.tabIndex = -1;
  if (li.classList.contains("deleted") || li.classList.contains("pending") || !li.dataset.id) return;
  const { ctx } = pane;
  const id = Number(li.dataset.id);
  const mine = li.classList.contains("mine");
  const bar = document.createElement("div");
  bar.className = "message-toolbar live";
  bar.setAttribute("role", "toolbar");
  bar.setAttribute("aria-label", "Message actions");
  const tool = (className, icon, label, key, run) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = `tool ${className}`;
    button.title = `${label} (${key})`;
    button.setAttribute("aria-label", label);
    button.setAttribute("aria-keyshortcuts", key);
    button.textContent = icon;
    button.addEventListener("click", run);
    bar.append(button);
    return button;
  };
  if (ctx.reacting.canReact) {
    const react = tool("react-add", "☺", "Add a reaction", "R", () => openPicker(react, id, ctx.reacting));
    react.setAttribute("aria-haspopup", "dialog");
    react.setAttribute("aria-expanded", "false");
  }
  if (!pane.root && !li.dataset.threadRoot) {
    const reply = document.createElement("a");
    reply.className = "tool reply-link";
    reply.href = threadUrl(ctx, id);
    reply.dataset.thread = id;
    reply.title = "Reply in thread (T)";
    reply.setAttribute("aria-label", "Reply in thread");
    reply.setAttribute("aria-keyshortcuts", "T");
    reply.textContent = "💬";
    bar.append(reply);
  }
  if (ctx.canPin) {
    const pinned = li.classList.contains("pinned");
    const pin = tool("pin-button", "📌", pinned ? "Unpin" : "Pin", "P", () => pane.pin(li));
    pin.setAttribute("aria-pressed", String(pinned));
  }
  if (mine && ctx.reacting.canReact) tool("edit-button", "✎", "Edit", "E", () => pane.edit(li));
  if (!pane.root && ctx.unread) tool("mark-unread", "●", "Mark unread", "U", () => ctx.unread.markUnread(li));
  tool("copy-link", "🔗", "Copy link", "C", () => copyLink(li, pane, bar));
  if (mine) tool("delete-button danger", "🗑", "Delete", "Delete", () => pane.remove(li));
  li.append(bar);
}

/** Where a message can be opened: the conversation (or its thread) scrolled to it. */
function linkTo(li, pane) {
  const base = pane.root ? threadUrl(pane.ctx, pane.root) : `/w/${encodeURIComponent(pane.ctx.slug)}/c/${pane.ctx.conversation}`;
  return `${location.origin}${base}#${li.id}`;
}

async function copyLink(li, pane, bar) {
  const button = bar.querySelector(".copy-link");
  try {
    await navigator.clipboard.writeText(linkTo(li, pane));
    button.title = "Link copied";
  } catch {
    button.title = "Could not copy: the browser refused the clipboard";
  }
  announce(button.title);
  setTimeout(() => { button.title = "Copy link (C)"; }, 2000);
}

/** Says something to screen readers through the page's polite live region. */
export function announce(text) {
  let region = document.getElementById("announcer");
  if (!region) {
    region = document.createElement("p");
    region.id = "announcer";
    region.className = "visually-hidden";
    region.setAttribute("aria-live", "polite");
    document.body.append(region);
  }
  region.textContent = text;
}

/** Keyboard on a list of messages: the message shortcuts and the roving tab stop. */
export function wireKeyboard(pane) {
  const list = pane.list;
  list.addEventListener("focusin", (event) => {
    const li = event.target.closest(".message");
    if (li) rove(list, li);
  });
  list.addEventListener("keydown", (event) => {
    const li = event.target;
    if (!li.classList?.contains("message") || event.ctrlKey || event.metaKey || event.altKey) return;
    const press = (selector) => {
      const control = li.querySelector(`.message-toolbar ${selector}`);
      if (control) {
        event.preventDefault();
        control.click();
      }
    };
    switch (event.key) {
      case "ArrowUp":
      case "ArrowDown": {
        const all = [...list.querySelectorAll(".message")];
        const next = all[all.indexOf(li) + (event.key === "ArrowUp" ? -1 : 1)];
        if (next) {
          event.preventDefault();
          next.focus();
        }
        break;
      }
      case "Home":
      case "End": {
        const all = list.querySelectorAll(".message");
        event.preventDefault();
        all[event.key === "Home" ? 0 : all.length - 1]?.focus();
        break;
      }
      case "r": press(".react-add"); break;
      case "t": press(".reply-link"); break;
      case "p": press(".pin-button"); break;
      case "e": press(".edit-button"); break;
      case "c": press(".copy-link"); break;
      case "u": press(".mark-unread"); break;
      case "Delete":
      case "Backspace": press(".delete-button"); break;
      case "Escape":
        if (pane.input) {
          event.preventDefault();
          pane.input.focus();
        }
        break;
      default:
    }
  });
  keepTabStop(list);
}

/** Makes `li` the list's one Tab stop. */
function rove(list, li) {
  for (const other of list.querySelectorAll('.message[tabindex="0"]')) other.tabIndex = -1;
  li.tabIndex = 0;
}

/** The newest message is the Tab stop, unless the reader is on another one right now. */
export function keepTabStop(list) {
  const messages = list.querySelectorAll(".message");
  const last = messages[messages.length - 1];
  const current = list.querySelector('.message[tabindex="0"]');
  if (last && (!current || !current.contains(document.activeElement))) rove(list, last);
}

/** A link to a message (`#m12`, `#t12`) opens with it in view, highlighted and focused. */
export function showLinked(list) {
  const id = location.hash.slice(1);
  if (!/^[mt]\d+$/.test(id)) return false;
  const li = list.querySelector(`#${id}`);
  if (!li) return false;
  li.classList.add("linked");
  li.scrollIntoView({ block: "center" });
  li.focus({ preventScroll: true });
  return true;
}
