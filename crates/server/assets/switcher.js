// The quick switcher (Ctrl/Cmd+K): type a few letters of a channel, a direct message or a
// person and press Enter. Letters match in order, not necessarily side by side ("gnrl" finds
// #general); a leading # keeps to channels, @ to people. Your conversations come from the
// sidebar at once; the workspace's other public channels and its people are fetched once.

const SHOWN = 12;
let others = null;

/** What the sidebar lists: `{label, kind, href}`. */
function sidebarItems() {
  return [...document.querySelectorAll(".sidebar a.conversation-link")].map((a) => ({
    label: nameIn(a),
    kind: a.closest("[aria-labelledby='dms-heading']") ? "dm" : "channel",
    href: a.getAttribute("href"),
  }));
}

/** A sidebar link's conversation name, without its sigil, presence and unread count. */
function nameIn(link) {
  return (link.querySelector(".conversation-name") || link).textContent.trim();
}

/** Public channels the reader has not joined, and people, from the API (once per page). */
async function fetchOthers(slug) {
  if (others) return others;
  const base = `/api/v1/workspaces/${encodeURIComponent(slug)}`;
  const get = async (path) => {
    try {
      const response = await fetch(base + path);
      return response.ok ? await response.json() : [];
    } catch {
      return [];
    }
  };
  const [channels, members] = await Promise.all([get("/channels"), get("/members")]);
  const me = Number(document.getElementById("navigation")?.dataset.viewer || 0);
  others = [
    ...channels.filter((c) => !c.is_member).map((c) => ({
      label: c.name, kind: "channel", href: `/w/${encodeURIComponent(slug)}/c/${c.id}`, note: "not joined",
    })),
    ...members.filter((m) => m.user_id !== me).map((m) => ({
      label: m.profile.display_name, kind: "person", userId: m.user_id, avatar: m.profile.avatar_url,
    })),
  ];
  return others;
}

/** How well `needle` matches `text`: 0 when its letters are not all there in order. */
export function score(text, needle) {
  if (!needle) return 1;
  const hay = text.toLowerCase();
  let from = 0;
  let previous = -2;
  let total = 0;
  for (const ch of needle) {
    const at = hay.indexOf(ch, from);
    if (at < 0) return 0;
    total += (at === previous + 1 ? 3 : 1) + (at === 0 || /[\s\-_.]/.test(hay[at - 1]) ? 2 : 0);
    previous = at;
    from = at + 1;
  }
  if (hay.startsWith(needle)) total += 10;
  else if (hay.includes(needle)) total += 5;
  return total - hay.length / 100;
}

export function openSwitcher(slug) {
  if (document.querySelector(".switcher")) return;
  const dialog = document.createElement("dialog");
  dialog.className = "dialog switcher";
  dialog.setAttribute("aria-label", "Jump to a conversation or person");
  const input = document.createElement("input");
  input.type = "text";
  input.placeholder = "Jump to… (# channels, @ people)";
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "true");
  input.setAttribute("aria-controls", "switcher-results");
  input.setAttribute("aria-label", "Jump to a channel, direct message or person");
  input.autocomplete = "off";
  const list = document.createElement("ul");
  list.id = "switcher-results";
  list.className = "switcher-results";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", "Matches");
  const status = document.createElement("p");
  status.className = "visually-hidden";
  status.setAttribute("aria-live", "polite");
  const hint = document.createElement("p");
  hint.className = "switcher-hint muted";
  hint.textContent = "↑↓ to choose · Enter to open · Esc to close";
  dialog.append(input, list, status, hint);
  document.body.append(dialog);
  dialog.addEventListener("close", () => dialog.remove());
  dialog.addEventListener("click", (event) => {
    if (event.target === dialog) dialog.close(); // a click on the backdrop
  });

  let items = sidebarItems();
  let shown = [];
  let active = 0;
  const render = () => {
    let needle = input.value.trim().toLowerCase();
    let kinds = null;
    if (needle.startsWith("#")) [kinds, needle] = [["channel"], needle.slice(1)];
    else if (needle.startsWith("@")) [kinds, needle] = [["person", "dm"], needle.slice(1)];
    const seen = new Set();
    shown = items
      .filter((item) => !kinds || kinds.includes(item.kind))
      .map((item, order) => [score(item.label, needle), order, item])
      .filter(([s]) => s > 0)
      .sort((a, b) => b[0] - a[0] || a[1] - b[1])
      .map(([, , item]) => item)
      // A person you already have a DM with shows once, as the DM.
      .filter((item) => {
        const key = item.kind === "channel" ? `#${item.label}` : item.label;
        return !seen.has(key) && seen.add(key);
      })
      .slice(0, SHOWN);
    active = Math.min(active, Math.max(shown.length - 1, 0));
    list.replaceChildren(...shown.map((item, i) => option(item, i)));
    status.textContent = shown.length ? `${shown.length} matches` : "No matches";
    select(active);
  };
  const option = (item, i) => {
    const li = document.createElement("li");
    li.id = `switcher-option-${i}`;
    li.setAttribute("role", "option");
    li.className = `switcher-option kind-${item.kind}`;
    const sigil = document.createElement("span");
    sigil.className = "sigil";
    sigil.setAttribute("aria-hidden", "true");
    sigil.textContent = item.kind === "channel" ? "#" : item.kind === "dm" ? "💬" : "@";
    const label = document.createElement("span");
    label.textContent = item.label;
    li.append(sigil, label);
    const note = item.note || (item.kind === "person" ? "direct message" : "");
    if (note) {
      const small = document.createElement("span");
      small.className = "muted";
      small.textContent = ` · ${note}`;
      li.append(small);
    }
    li.addEventListener("mousedown", (event) => event.preventDefault());
    li.addEventListener("click", () => go(item));
    return li;
  };
  const select = (i) => {
    active = i;
    for (const [n, li] of [...list.children].entries()) li.setAttribute("aria-selected", String(n === i));
    const current = list.children[i];
    if (current) {
      input.setAttribute("aria-activedescendant", current.id);
      current.scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  };
  const go = async (item) => {
    if (item.href) {
      location.href = item.href;
      return;
    }
    const csrf = document.querySelector(".me input[name=csrf]")?.value || "";
    const response = await fetch(`/api/v1/workspaces/${encodeURIComponent(slug)}/dms`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-csrf-token": csrf },
      body: JSON.stringify({ user_ids: [item.userId] }),
    });
    if (response.ok) {
      const conversation = await response.json();
      location.href = `/w/${encodeURIComponent(slug)}/c/${conversation.id}`;
    } else {
      status.textContent = (await response.json().catch(() => ({}))).message || "Could not open that conversation.";
    }
  };
  input.addEventListener("input", () => {
    active = 0;
    render();
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (shown.length) select((active + (event.key === "ArrowDown" ? 1 : shown.length - 1)) % shown.length);
    } else if (event.key === "Enter" && shown[active]) {
      event.preventDefault();
      go(shown[active]);
    }
  });
  dialog.showModal();
  input.focus();
  render();
  fetchOthers(slug).then((more) => {
    items = [...sidebarItems(), ...more];
    if (dialog.open) render();
  });
}
