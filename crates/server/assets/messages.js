// A message as an element, built from the API's JSON the way templates/message.html renders
// it, for the timeline and for a thread panel; and the small changes events make to one.

import { drawReactions } from "/assets/reactions.js";

const timeFormat = new Intl.DateTimeFormat(undefined, { timeStyle: "short" });
const whenFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/** `{name, avatar}` of a person the page knows. */
export function person(ctx, id) {
  return ctx.people[String(id)] || { name: "Someone", avatar: "" };
}

/** The link that opens a thread beside the conversation (it also works as a page). */
export function threadUrl(ctx, root) {
  return `/w/${encodeURIComponent(ctx.slug)}/c/${ctx.conversation}/t/${root}`;
}

/**
 * `ctx`: `{me, people, slug, conversation, canPin, reacting}`. In a thread panel (`inThread`) a
 * message has no thread line or reply link of its own; a pending one is the sender's copy
 * before the server's arrives.
 */
export function messageElement(m, ctx, { pending = false, inThread = false } = {}) {
  const li = document.createElement("li");
  li.className = "message" + (m.author_id === ctx.me ? " mine" : "") + (pending ? " pending" : "");
  li.id = pending ? "" : `${inThread ? "t" : "m"}${m.id}`;
  li.dataset.id = m.id ?? "";
  li.dataset.seq = m.seq ?? "";
  li.dataset.author = m.author_id;
  li.dataset.at = m.created_at;
  li.dataset.body = m.body;
  if (m.client_id) li.dataset.clientId = m.client_id;
  const who = person(ctx, m.author_id);
  const avatar = document.createElement("img");
  avatar.className = "avatar";
  avatar.src = who.avatar;
  avatar.alt = "";
  avatar.width = avatar.height = 36;
  const main = document.createElement("div");
  main.className = "message-main";
  if (!inThread && m.thread_root_id) main.append(repliedTo(ctx, m.thread_root_id));
  const meta = document.createElement("p");
  meta.className = "message-meta";
  const author = document.createElement("strong");
  author.className = "message-author";
  author.textContent = who.name;
  const time = document.createElement("time");
  time.dateTime = new Date(m.created_at).toISOString();
  time.textContent = (inThread ? whenFormat : timeFormat).format(new Date(m.created_at));
  meta.append(author, " ", time);
  const body = document.createElement("div");
  body.className = "message-body";
  body.dir = "auto";
  // Rendered by the server from Markdown with every HTML tag of the source escaped.
  if (pending) body.textContent = m.body; else body.innerHTML = m.html;
  const reactions = document.createElement("div");
  reactions.className = "reactions";
  main.append(meta, body, reactions);
  if (m.edited_at) markEdited(li, meta);
  li.append(avatar, main);
  if (m.thread_root_id) li.dataset.threadRoot = m.thread_root_id;
  if (!inThread && !m.thread_root_id && !pending && m.thread) setThreadSummary(li, m.thread, ctx);
  if (m.pinned) setPinned(li, m.pinned.by, ctx);
  li.dataset.reactions = JSON.stringify(m.reactions || []);
  if (!pending) drawReactions(li, ctx.reacting);
  addCopyButtons(body);
  if (m.deleted) tombstone(li);
  else if (!pending) markMentions(li, m.mentions, ctx.me);
  return li;
}

/**
 * Highlights what mentions the viewer: the message (someone else's that names them, `@channel`
 * or `@here`) and their own name in it. The server renders mentions the same for everyone
 * (docs/adr/0016); this is the viewer's part.
 */
export function markMentions(li, mentions, me) {
  const named = (mentions?.users || []).includes(me);
  const forMe = Number(li.dataset.author) !== me && (named || mentions?.channel || mentions?.here);
  li.classList.toggle("mentions-me", Boolean(forMe));
  for (const span of li.querySelectorAll(`.message-body .mention[data-user-id="${me}"]`)) {
    span.classList.add("mention-me");
  }
}

/** A Copy button on each code block in `scope` that has none yet. */
export function addCopyButtons(scope) {
  for (const pre of scope.querySelectorAll(".message-body pre")) {
    if (pre.querySelector(".copy-code")) continue;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "copy-code";
    button.textContent = "Copy";
    button.setAttribute("aria-label", "Copy code");
    button.addEventListener("click", async () => {
      const code = pre.querySelector("code") || pre;
      try {
        await navigator.clipboard.writeText(code.textContent);
        button.textContent = "Copied";
      } catch {
        button.textContent = "Select and copy";
      }
      setTimeout(() => { button.textContent = "Copy"; }, 2000);
    });
    pre.append(button);
  }
}

export function markEdited(li, meta = li.querySelector(".message-meta")) {
  if (meta.querySelector(".edited")) return;
  const edited = document.createElement("span");
  edited.className = "edited";
  edited.textContent = "(edited)";
  meta.append(" ", edited);
}

/** What stays of a deleted message; its thread, if any, stays reachable. */
export function tombstone(li) {
  li.classList.add("deleted");
  li.dataset.body = "";
  const body = li.querySelector(".message-body");
  body.className = "message-body tombstone";
  body.textContent = "This message was deleted.";
  li.querySelector(".message-toolbar")?.remove();
  li.querySelector(".pinned-by")?.remove();
  li.classList.remove("pinned");
  li.querySelector(".edited")?.remove();
  li.querySelector(".reactions")?.replaceChildren();
}

/** Marks a message pinned by `by` (a user id), or not pinned (`null`). */
export function setPinned(li, by, ctx) {
  li.classList.toggle("pinned", by !== null);
  let line = li.querySelector(".pinned-by");
  if (by === null) {
    line?.remove();
  } else {
    if (!line) {
      line = document.createElement("p");
      line.className = "pinned-by muted";
      li.querySelector(".message-meta").before(line);
    }
    const who = by === ctx.me ? "you" : person(ctx, by).name;
    line.replaceChildren(Object.assign(document.createElement("span"), { ariaHidden: "true", textContent: "📌" }), ` Pinned by ${who}`);
  }
  const button = li.querySelector(".pin-button");
  if (button) {
    const label = by === null ? "Pin" : "Unpin";
    button.setAttribute("aria-pressed", String(by !== null));
    button.setAttribute("aria-label", label);
    button.title = `${label} (P)`;
  }
}

/** "3 replies · Last reply 10:04" under a top-level message; none once no reply is left. */
export function setThreadSummary(li, summary, ctx) {
  let line = li.querySelector(".thread-summary");
  if (!summary) {
    line?.remove();
    return;
  }
  if (!line) {
    line = document.createElement("a");
    line.className = "thread-summary";
    line.href = threadUrl(ctx, li.dataset.id);
    line.dataset.thread = li.dataset.id;
    li.querySelector(".message-main").append(line);
  }
  const people = document.createElement("span");
  people.className = "thread-people";
  for (const id of summary.participants) {
    const img = document.createElement("img");
    img.className = "avatar";
    img.src = person(ctx, id).avatar;
    img.alt = "";
    img.title = person(ctx, id).name;
    img.width = img.height = 20;
    people.append(img);
  }
  const count = document.createElement("strong");
  count.className = "thread-count";
  count.textContent = replies(summary.reply_count);
  const last = document.createElement("span");
  last.className = "muted";
  const time = document.createElement("time");
  time.dateTime = new Date(summary.last_reply_at).toISOString();
  time.textContent = whenFormat.format(new Date(summary.last_reply_at));
  last.append("Last reply ", time);
  line.replaceChildren(people, " ", count, " ", last);
}

export function replies(count) {
  return count === 0 ? "No replies yet" : count === 1 ? "1 reply" : `${count} replies`;
}

function repliedTo(ctx, root) {
  const p = document.createElement("p");
  p.className = "replied-to muted";
  const link = document.createElement("a");
  link.href = threadUrl(ctx, root);
  link.dataset.thread = root;
  link.textContent = "a thread";
  p.append("Replied to ", link);
  return p;
}
