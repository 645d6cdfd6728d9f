// Reactions under a message: one toggle per emoji, labelled with who reacted, and a picker
// that searches every Unicode emoji by name or shortcode, puts recently used ones first and
// remembers a skin tone. Without this module the server-rendered forms post and reload.
//
// `ctx` is what the timeline gives: { me, canReact, person(id) → {name}, toggle(id, emoji, on) }.

const QUICK = ["👍", "❤️", "😂", "🎉", "😮", "😢", "🙏", "👀"];
const RECENT_KEY = "ocomms.recentEmoji";
const TONE_KEY = "ocomms.skinTone";
const RESULTS = 48;

/** `[{e, n, s, t}]` from /assets/emoji.json, loaded once. */
let catalogue = null;
const names = new Map();

export async function loadCatalogue() {
  if (catalogue) return catalogue;
  try {
    const response = await fetch("/assets/emoji.json");
    catalogue = response.ok ? await response.json() : [];
  } catch {
    catalogue = [];
  }
  for (const entry of catalogue) {
    names.set(entry.e, entry.n);
    for (const toned of entry.t || []) names.set(toned, entry.n);
  }
  return catalogue;
}

export function reactionsOf(li) {
  try {
    return JSON.parse(li.dataset.reactions || "[]");
  } catch {
    return [];
  }
}

/** Applies a `reaction_added` or `reaction_removed` event to its message and redraws it. */
export function applyReactionEvent(li, payload, ctx) {
  const reactions = reactionsOf(li);
  let reaction = reactions.find((r) => r.emoji === payload.emoji);
  if (payload.type === "reaction_added") {
    if (!reaction) {
      reaction = { emoji: payload.emoji, user_ids: [] };
      reactions.push(reaction);
    }
    if (!reaction.user_ids.includes(payload.user_id)) reaction.user_ids.push(payload.user_id);
  } else if (reaction) {
    reaction.user_ids = reaction.user_ids.filter((id) => id !== payload.user_id);
  }
  setReactions(li, reactions.filter((r) => r.user_ids.length), ctx);
}

export function setReactions(li, reactions, ctx) {
  li.dataset.reactions = JSON.stringify(reactions);
  drawReactions(li, ctx);
}

/** Replaces the message's reaction row (server-rendered forms included) with live toggles. */
export function drawReactions(li, ctx) {
  const main = li.querySelector(".message-main");
  if (!main || !li.dataset.id) return;
  let row = main.querySelector(".reactions");
  if (!row) {
    row = document.createElement("div");
    row.className = "reactions";
    main.querySelector(".message-body").after(row);
  }
  if (li.classList.contains("deleted")) {
    row.replaceChildren();
    return;
  }
  const id = Number(li.dataset.id);
  const chips = reactionsOf(li).map((reaction) => {
    const mine = reaction.user_ids.includes(ctx.me);
    const button = document.createElement("button");
    button.type = "button";
    button.className = "reaction" + (mine ? " mine" : "");
    button.setAttribute("aria-pressed", String(mine));
    const label = labelFor(reaction, ctx);
    button.title = label;
    button.disabled = !ctx.canReact;
    const count = document.createElement("span");
    count.className = "count";
    count.textContent = reaction.user_ids.length;
    // The name read out starts with what is seen ("👍 2"), then says who.
    const who = document.createElement("span");
    who.className = "visually-hidden";
    who.textContent = `: ${label}`;
    button.append(`${reaction.emoji} `, count, who);
    button.addEventListener("click", () => ctx.toggle(id, reaction.emoji, !mine));
    return button;
  });
  row.replaceChildren(...chips);
  // With no reaction yet, the row takes no room: the toolbar's button adds the first.
  if (ctx.canReact && chips.length) row.append(pickerButton(id, ctx));
}

/** "Ana, Ben and 3 others reacted with 👍 (thumbs up)", as the server words it. */
function labelFor(reaction, ctx) {
  const people = reaction.user_ids.map((id) => (id === ctx.me ? "You" : ctx.person(id).name));
  let who;
  if (people.length <= 1) who = people[0] || "Nobody";
  else if (people.length === 2) who = `${people[0]} and ${people[1]}`;
  else if (people.length === 3) who = `${people[0]}, ${people[1]} and ${people[2]}`;
  else who = `${people[0]}, ${people[1]} and ${people.length - 2} others`;
  const name = names.get(reaction.emoji);
  return `${who} reacted with ${reaction.emoji}${name ? ` (${name})` : ""}`;
}

// ---- the picker ----

function pickerButton(id, ctx) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "react-add";
  button.title = "Add a reaction";
  button.setAttribute("aria-label", "Add a reaction");
  button.setAttribute("aria-haspopup", "dialog");
  button.setAttribute("aria-expanded", "false");
  button.textContent = "☺+";
  button.addEventListener("click", () => openPicker(button, id, ctx));
  return button;
}

function recent() {
  try {
    return JSON.parse(localStorage.getItem(RECENT_KEY) || "[]");
  } catch {
    return [];
  }
}

export function remember(emoji) {
  const list = [emoji, ...recent().filter((e) => e !== emoji)].slice(0, 16);
  try {
    localStorage.setItem(RECENT_KEY, JSON.stringify(list));
  } catch {
    // Private windows may refuse storage; recents are a comfort.
  }
}

function tone() {
  return Number(localStorage.getItem(TONE_KEY) || "0");
}

/** The entry's emoji in the chosen skin tone (1–5), where it has tones. */
function toned(entry) {
  const t = tone();
  return t > 0 && entry.t ? entry.t[t - 1] : entry.e;
}

const NO_MATCH = 6;

/** How well an entry matches what was typed: a whole name or shortcode first, then a whole
 * word of the name ("party" finds 🎉 party popper before 🥳 partying face), then prefixes,
 * then anywhere. */
function rank(entry, needle) {
  const codes = entry.s;
  const words = entry.n.split(/\s+/);
  if (entry.n === needle || codes.includes(needle)) return 0;
  if (words.includes(needle)) return 1;
  if (entry.n.startsWith(needle) || codes.some((c) => c.startsWith(needle))) return 2;
  if (words.some((w) => w.startsWith(needle))) return 3;
  if (entry.n.includes(needle) || codes.some((c) => c.includes(needle))) return 4;
  return NO_MATCH;
}

export async function openPicker(anchor, id, ctx) {
  document.querySelector(".emoji-picker")?.remove();
  const dialog = document.createElement("div");
  dialog.className = "emoji-picker";
  dialog.setAttribute("role", "dialog");
  dialog.setAttribute("aria-label", "Add a reaction");
  const search = document.createElement("input");
  search.type = "search";
  search.placeholder = "Search emoji";
  search.setAttribute("aria-label", "Search emoji by name");
  const tones = document.createElement("select");
  tones.setAttribute("aria-label", "Skin tone");
  ["✋ Default", "✋🏻 Light", "✋🏼 Medium-light", "✋🏽 Medium", "✋🏾 Medium-dark", "✋🏿 Dark"].forEach((label, i) => {
    tones.append(new Option(label, String(i), false, i === tone()));
  });
  const grid = document.createElement("div");
  grid.className = "emoji-grid";
  grid.setAttribute("role", "group");
  grid.setAttribute("aria-label", "Emoji");
  const status = document.createElement("p");
  status.className = "emoji-status";
  status.setAttribute("aria-live", "polite");
  dialog.append(search, tones, grid, status);
  anchor.after(dialog);
  anchor.setAttribute("aria-expanded", "true");

  const close = () => {
    dialog.remove();
    anchor.setAttribute("aria-expanded", "false");
    document.removeEventListener("pointerdown", outside, true);
    anchor.focus();
  };
  const outside = (event) => {
    if (!dialog.contains(event.target) && event.target !== anchor) close();
  };
  document.addEventListener("pointerdown", outside, true);
  const pick = (emoji) => {
    remember(emoji);
    ctx.toggle(id, emoji, true);
    close();
  };

  const all = await loadCatalogue();
  const byEmoji = new Map(all.map((entry) => [entry.e, entry]));
  const show = () => {
    const needle = search.value.trim().toLowerCase().replace(/^:|:$/g, "");
    let entries;
    if (needle) {
      entries = all
        .map((entry) => [rank(entry, needle), entry])
        .filter(([score]) => score < NO_MATCH)
        .sort((a, b) => a[0] - b[0])
        .slice(0, RESULTS)
        .map(([, entry]) => entry);
    } else {
      const first = [...recent(), ...QUICK].map((e) => byEmoji.get(e) || { e, n: names.get(e) || e, s: [] });
      const seen = new Set();
      entries = [...first, ...all].filter((entry) => !seen.has(entry.e) && seen.add(entry.e)).slice(0, RESULTS);
    }
    grid.replaceChildren(...entries.map((entry) => {
      const button = document.createElement("button");
      button.type = "button";
      const emoji = toned(entry);
      button.textContent = emoji;
      button.title = entry.n;
      button.setAttribute("aria-label", entry.n);
      button.addEventListener("click", () => pick(emoji));
      return button;
    }));
    status.textContent = needle && !entries.length ? "No emoji found" : "";
  };
  search.addEventListener("input", show);
  tones.addEventListener("change", () => {
    localStorage.setItem(TONE_KEY, tones.value);
    show();
  });
  dialog.addEventListener("keydown", (event) => {
    const buttons = [...grid.querySelectorAll("button")];
    const at = buttons.indexOf(document.activeElement);
    if (event.key === "Escape") {
      event.preventDefault();
      close();
    } else if (event.key === "Enter" && document.activeElement === search && buttons[0]) {
      event.preventDefault();
      buttons[0].click();
    } else if (event.key === "ArrowDown" && document.activeElement === search && buttons[0]) {
      event.preventDefault();
      buttons[0].focus();
    } else if (at >= 0 && ["ArrowRight", "ArrowLeft", "ArrowDown", "ArrowUp"].includes(event.key)) {
      event.preventDefault();
      const columns = Math.max(1, Math.round(grid.clientWidth / (buttons[0].offsetWidth || 1)));
      const step = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: columns, ArrowUp: -columns }[event.key];
      const next = at + step;
      if (next < 0) search.focus();
      else buttons[Math.min(next, buttons.length - 1)].focus();
    }
  });
  show();
  search.focus();
}
