// Composer autocomplete: typing `@` lists people (the conversation's members first, with
// their presence) and `@channel`/`@here`; `#` lists channels. ↑/↓ choose, Enter or Tab
// inserts, Esc closes. The list is an ARIA listbox the composer points into
// (aria-activedescendant), so a screen reader reads the option under the arrow keys.

import { score } from "/assets/switcher.js";

const SHOWN = 8;
const BROADCASTS = [
  { handle: "channel", note: "Notify everyone in this conversation" },
  { handle: "here", note: "Notify everyone online in this conversation" },
];

let listCount = 0;

/** `ctx`: the page's `{slug, conversation, me}`. */
export function attachAutocomplete(input, ctx) {
  const list = document.createElement("ul");
  list.className = "suggestions";
  list.id = `suggestions-${++listCount}`;
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", "Suggestions");
  list.hidden = true;
  input.closest("form").append(list);
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-controls", list.id);
  let options = [];
  let active = 0;
  let token = null;
  let people = null;
  let channels = null;

  const close = () => {
    list.hidden = true;
    list.replaceChildren();
    options = [];
    token = null;
    input.removeAttribute("aria-activedescendant");
  };

  const show = () => {
    list.replaceChildren(...options.map((option, i) => {
      const li = document.createElement("li");
      li.id = `${list.id}-${i}`;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", String(i === active));
      li.className = "suggestion";
      if (option.avatar) {
        const img = document.createElement("img");
        img.src = option.avatar;
        img.alt = "";
        img.width = img.height = 20;
        li.append(img);
      }
      if (option.presence) {
        const dot = document.createElement("span");
        dot.className = `presence-inline presence presence-${option.presence}`;
        li.append(dot);
      }
      const label = document.createElement("span");
      label.className = "suggestion-label";
      label.textContent = option.label;
      li.append(label);
      if (option.note) {
        const note = document.createElement("span");
        note.className = "muted suggestion-note";
        note.textContent = option.note;
        li.append(" ", note);
      }
      li.addEventListener("mousedown", (event) => {
        event.preventDefault();
        choose(i);
      });
      return li;
    }));
    list.hidden = options.length === 0;
    if (options.length) input.setAttribute("aria-activedescendant", `${list.id}-${active}`);
    else input.removeAttribute("aria-activedescendant");
  };

  const choose = (i) => {
    const option = options[i];
    if (!option || !token) return;
    const before = input.value.slice(0, token.start);
    const after = input.value.slice(input.selectionStart);
    const text = `${token.sigil}${option.insert} `;
    input.value = before + text + after.replace(/^\s/, "");
    const caret = before.length + text.length;
    input.setSelectionRange(caret, caret);
    close();
    input.dispatchEvent(new Event("input"));
  };

  const refresh = async () => {
    const upToCaret = input.value.slice(0, input.selectionStart);
    const match = /(^|[\s(])([@#])([\w.-]*)$/.exec(upToCaret);
    if (!match) return close();
    const [, , sigil, typed] = match;
    token = { sigil, start: upToCaret.length - typed.length - 1 };
    const needle = typed.toLowerCase();
    if (sigil === "@") {
      people ??= await loadPeople(ctx);
      const broadcasts = BROADCASTS.filter((b) => b.handle.startsWith(needle))
        .map((b) => ({ label: `@${b.handle}`, note: b.note, insert: b.handle, rank: 0.5 }));
      const found = people
        .map((p) => ({ ...p, rank: Math.max(score(p.handle, needle) * 2, score(p.name, needle)) + (p.member ? 100 : 0) }))
        .filter((p) => !needle || p.rank % 100 > 0)
        .sort((a, b) => b.rank - a.rank || a.name.localeCompare(b.name))
        .map((p) => ({
          label: p.name, note: `@${p.handle}${p.member ? "" : " · not in this conversation"}`,
          insert: p.handle, avatar: p.avatar, presence: presenceOf(p.id),
        }));
      options = [...found.slice(0, SHOWN - 1), ...broadcasts].slice(0, SHOWN);
    } else {
      channels ??= await loadChannels(ctx);
      options = channels
        .map((c) => ({ ...c, rank: score(c.name, needle) }))
        .filter((c) => !needle || c.rank > 0)
        .sort((a, b) => b.rank - a.rank || a.name.localeCompare(b.name))
        .slice(0, SHOWN)
        .map((c) => ({ label: `#${c.name}`, insert: c.name, note: c.note }));
    }
    // The text may have moved on while the list loaded.
    if (!token) return;
    active = 0;
    show();
  };

  input.addEventListener("input", refresh);
  input.addEventListener("blur", () => setTimeout(close, 100));
  // Capture: runs before the composer's own keys (Enter sends, ↑ edits the last message).
  input.addEventListener("keydown", (event) => {
    if (list.hidden || !options.length) return;
    const keys = {
      ArrowDown: () => { active = (active + 1) % options.length; show(); },
      ArrowUp: () => { active = (active - 1 + options.length) % options.length; show(); },
      Enter: () => choose(active),
      Tab: () => choose(active),
      Escape: () => close(),
    };
    const act = keys[event.key];
    if (!act || event.shiftKey || event.isComposing) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    act();
  }, true);
}

/** Someone's presence as the page shows it (`online`, `away` or `offline`). */
function presenceOf(id) {
  const shown = document.querySelector(`[data-presence="${id}"]`);
  const status = shown && /presence-(online|away|offline)/.exec(shown.className);
  return status ? status[1] : "offline";
}

async function getJson(url) {
  try {
    const response = await fetch(url);
    return response.ok ? await response.json() : [];
  } catch {
    return [];
  }
}

/** The workspace's people with a handle, members of this conversation marked (`member`). */
async function loadPeople(ctx) {
  const [members, everyone] = await Promise.all([
    getJson(`/api/v1/conversations/${ctx.conversation}/members`),
    getJson(`/api/v1/workspaces/${encodeURIComponent(ctx.slug)}/members`),
  ]);
  const inHere = new Set(members.map((m) => m.user_id));
  return everyone
    .filter((m) => m.user_id !== ctx.me && m.profile.handle)
    .map((m) => ({
      id: m.user_id, name: m.profile.display_name, handle: m.profile.handle,
      avatar: m.profile.avatar_url, member: inHere.has(m.user_id),
    }));
}

/** Channels of the workspace the reader can see: theirs from the sidebar, public ones too. */
async function loadChannels(ctx) {
  const listed = await getJson(`/api/v1/workspaces/${encodeURIComponent(ctx.slug)}/channels`);
  const mine = [...document.querySelectorAll(".sidebar a.conversation-link:not([data-direct]) .conversation-name")]
    .map((span) => span.textContent.trim());
  const names = new Map(mine.map((name) => [name, { name }]));
  for (const c of listed) if (!names.has(c.name)) names.set(c.name, { name: c.name, note: c.is_member ? "" : "not joined" });
  return [...names.values()];
}
