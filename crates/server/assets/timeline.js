// The live conversation page: one WebSocket (docs/protocol.md) that resumes from the
// position the page was rendered at, so nothing between render and connect is missed; the
// timeline and an open thread (assets/pane.js, assets/threads.js) kept live from its events;
// typing indicators; older history on scroll; a visible reconnecting/offline state. The
// page works without these files: forms post and reload.

import { messageElement, person } from "/assets/messages.js";
import { Pane } from "/assets/pane.js";
import { drawReactions, loadCatalogue, remember, setReactions } from "/assets/reactions.js";
import { Threads } from "/assets/threads.js";
import { Notifier } from "/assets/notify.js";
import { connect as connectSocket } from "/assets/socket.js";
import { Unread } from "/assets/unread.js";

const root = document.querySelector("[data-timeline]");
if (root) start(root);

function start(root) {
  const state = {
    workspace: Number(root.dataset.workspace),
    position: Number(root.dataset.position),
    firstSeq: Number(root.dataset.firstSeq),
    moreBefore: root.dataset.moreBefore === "true",
    loadingOlder: false,
    typers: new Map(),
  };
  // What every message element needs to know (assets/messages.js).
  const ctx = {
    conversation: Number(root.dataset.conversation),
    slug: root.dataset.slug,
    me: Number(root.dataset.me),
    people: JSON.parse(root.dataset.people || "{}"),
    csrf: root.dataset.csrf,
    canPin: root.dataset.canPin === "true",
  };
  // People whose status a `presence` frame brought since the last refreshPresence().
  let presenceSeen = new Set();
  const list = root.querySelector("#messages");
  const status = root.querySelector("#connection-status");
  const typing = root.querySelector("#typing");
  const jump = root.querySelector("#jump-latest");
  const composer = root.querySelector("#composer");

  // Reactions: live toggles over the server-rendered forms (assets/reactions.js), on every
  // copy of the message (the timeline's and the thread panel's).
  ctx.reacting = {
    me: ctx.me,
    canReact: Boolean(composer),
    person: (id) => person(ctx, id),
    toggle: async (id, emoji, on) => {
      const response = await fetch(`/api/v1/messages/${id}/reactions/${encodeURIComponent(emoji)}`, {
        method: on ? "PUT" : "DELETE",
        headers: { "x-csrf-token": ctx.csrf },
      });
      if (!response.ok) return;
      const { reactions } = await response.json();
      for (const li of document.querySelectorAll(`.message[data-id="${id}"]`)) setReactions(li, reactions, ctx.reacting);
      if (on) remember(emoji);
    },
  };
  const drawAll = () => { for (const li of document.querySelectorAll(".message")) drawReactions(li, ctx.reacting); };
  drawAll();
  // The server marked the messages that mention the viewer; their name in them is marked here.
  for (const span of document.querySelectorAll(`.message-body .mention[data-user-id="${ctx.me}"]`)) {
    span.classList.add("mention-me");
  }
  // Labels name each emoji once the list is in (cached with the other assets); a page
  // without reactions waits for the picker to need it.
  let naming = null;
  const nameReactions = () => { naming ??= loadCatalogue().then(drawAll); };
  if (document.querySelector(".reaction")) nameReactions();

  // Before the panes: their toolbars offer "mark unread".
  const unread = new Unread(ctx, list);
  ctx.unread = unread;
  const notifier = new Notifier(ctx);
  const timeline = new Pane(list, ctx, { onScrolledAway: (away) => { jump.hidden = !away; } });
  const threads = new Threads(ctx);
  const socket = connect();
  // Messages go out over the socket while it is live (no HTTP request each), else by REST.
  ctx.post = (request) => socket.post(ctx.conversation, request);
  if (composer) {
    let lastTyping = 0;
    timeline.wireComposer(composer, {
      onInput: (text) => {
        const now = Date.now();
        if (now - lastTyping > 3000 && text) {
          lastTyping = now;
          socket.send({ type: "typing", conversation_id: ctx.conversation });
        }
      },
    });
  }
  list.addEventListener("scroll", () => {
    if (list.scrollTop < 80) loadOlder();
    if (timeline.nearBottom()) jump.hidden = true;
  });
  jump.addEventListener("click", () => { timeline.scrollToBottom(); jump.hidden = true; });

  // ---- connection ----

  function connect() {
    return connectSocket({
      positions: () => ({ [state.workspace]: state.position }),
      onStatus: showStatus,
      onReady: refreshPresence,
      onFrame: (frame) => {
        if (frame.type === "event") {
          if (frame.event.workspace_id === state.workspace) state.position = Math.max(state.position, frame.event.position);
          if (frame.event.conversation_id === ctx.conversation) apply(frame.event);
          unread.seen(frame.event);
          notifier.seen(frame.event);
        } else if (frame.type === "notify") {
          notifier.show(frame.notification);
        } else if (frame.type === "read") {
          unread.elsewhere(frame.state);
        } else if (frame.type === "position" && frame.workspace_id === state.workspace) {
          // Events that were not ours moved the workspace on: resume after them.
          state.position = Math.max(state.position, frame.position);
        } else if (frame.type === "typing" && frame.conversation_id === ctx.conversation) {
          showTyping(frame.user_id);
        } else if (frame.type === "presence") {
          for (const { user_id, status } of frame.statuses) {
            showPresence(user_id, status);
            presenceSeen.add(user_id);
          }
        }
      },
    });
  }

  function showStatus(text) {
    status.hidden = !text;
    status.textContent = text || "";
  }

  // ---- applying events ----

  function apply(event) {
    const p = event.payload;
    const panes = threads.pane ? [timeline, threads.pane] : [timeline];
    if (p.type === "message_posted") {
      const m = p.message;
      if (!m.thread_root_id || m.also_in_channel) timeline.upsert(m);
      if (m.thread_root_id) threads.replied(m.thread_root_id, p.thread ?? null, m);
      clearTyping(m.author_id);
    } else if (p.type === "message_edited") {
      for (const pane of panes) pane.edited(p.message_id, p.body, p.html, p.mentions);
    } else if (p.type === "message_deleted") {
      if (timeline.find(p.message_id)?.classList.contains("pinned")) countPins(-1);
      for (const pane of panes) pane.deleted(p.message_id);
      if (p.thread_root_id) threads.replied(p.thread_root_id, p.thread ?? null);
    } else if (p.type === "reaction_added" || p.type === "reaction_removed") {
      for (const pane of panes) pane.reacted(p);
      if (p.type === "reaction_added") nameReactions();
    } else if (p.type === "message_pinned" || p.type === "message_unpinned") {
      const pinned = p.type === "message_pinned";
      for (const pane of panes) pane.pinned(p.message_id, pinned ? event.actor : null);
      countPins(pinned ? 1 : -1);
      timeline.append(noticeLine(describe(event), event.at, event.seq));
    } else {
      const text = describe(event);
      if (text) timeline.append(noticeLine(text, event.at, event.seq));
    }
  }

  function countPins(change) {
    const count = document.querySelector("#pin-count");
    if (count) count.textContent = Math.max(0, Number(count.textContent) + change);
  }

  function noticeLine(text, at, seq) {
    const li = document.createElement("li");
    li.className = "notice-line";
    li.dataset.at = at;
    li.dataset.seq = seq;
    li.textContent = text + " ";
    const time = document.createElement("time");
    time.textContent = new Intl.DateTimeFormat(undefined, { timeStyle: "short" }).format(new Date(at));
    li.append(time);
    return li;
  }

  function describe(event) {
    const p = event.payload;
    const actor = person(ctx, event.actor).name;
    switch (p.type) {
      case "member_joined": return p.user_id === event.actor ? `${actor} joined` : `${actor} added ${person(ctx, p.user_id).name}`;
      case "member_left": return `${person(ctx, p.user_id).name} left`;
      case "member_removed": return `${actor} removed ${person(ctx, p.user_id).name}`;
      case "topic_changed": return p.topic ? `${actor} set the topic: ${p.topic}` : `${actor} cleared the topic`;
      case "description_changed": return `${actor} changed the description`;
      case "conversation_renamed": return `${actor} renamed the channel to #${p.name}`;
      case "conversation_archived": return `${actor} archived the channel`;
      case "conversation_unarchived": return `${actor} unarchived the channel`;
      case "message_pinned": return `${actor} pinned a message`;
      case "message_unpinned": return `${actor} unpinned a message`;
      case "pin_policy_changed": return p.managers_only ? `${actor} kept pinning to the channel's managers` : `${actor} let every member pin`;
      default: return null;
    }
  }

  // ---- presence, typing, scrolling, history ----

  function showPresence(userId, status) {
    const label = { online: "Online", away: "Away", offline: "Offline" }[status] || "Offline";
    for (const dot of document.querySelectorAll(`[data-presence="${userId}"]`)) {
      dot.classList.remove("presence-online", "presence-away", "presence-offline");
      dot.classList.add(`presence-${status}`);
      dot.title = label;
      dot.querySelector(".visually-hidden").textContent = label;
    }
  }

  // Presence frames carry only changes; after each (re)connection ask who is online now.
  // A status that arrives by frame while the request is out is newer, and wins.
  async function refreshPresence() {
    presenceSeen = new Set();
    const seen = presenceSeen;
    try {
      const response = await fetch(`/api/v1/workspaces/${encodeURIComponent(ctx.slug)}/presence`,
        { credentials: "same-origin" });
      if (!response.ok) return;
      const online = new Map((await response.json()).map((e) => [e.user_id, e.status]));
      for (const dot of document.querySelectorAll("[data-presence]")) {
        const id = Number(dot.dataset.presence);
        if (!seen.has(id)) showPresence(id, online.get(id) || "offline");
      }
    } catch (_) {
      // Offline again: the next `ready` asks again.
    }
  }

  function showTyping(userId) {
    clearTimeout(state.typers.get(userId));
    state.typers.set(userId, setTimeout(() => { state.typers.delete(userId); renderTyping(); }, 5000));
    renderTyping();
  }

  /** A message from someone ends their "typing…" at once. */
  function clearTyping(userId) {
    if (!state.typers.has(userId)) return;
    clearTimeout(state.typers.get(userId));
    state.typers.delete(userId);
    renderTyping();
  }

  function renderTyping() {
    const names = [...state.typers.keys()].map((id) => person(ctx, id).name);
    typing.textContent = names.length === 0 ? "" :
      names.length === 1 ? `${names[0]} is typing…` : `${names.join(", ")} are typing…`;
  }

  async function loadOlder() {
    if (!state.moreBefore || state.loadingOlder) return;
    state.loadingOlder = true;
    const response = await fetch(`/api/v1/conversations/${ctx.conversation}/messages?before=${state.firstSeq}&limit=50`);
    if (response.ok) {
      const page = await response.json();
      const height = list.scrollHeight;
      const anchor = list.querySelector(".load-older");
      for (const message of page.messages) anchor.after(messageElement(message, ctx));
      // Re-insert in order: each was put right after the anchor, so reverse them.
      const added = [...list.querySelectorAll(".load-older ~ .message")].slice(0, page.messages.length);
      added.reverse().forEach((li) => anchor.after(li));
      for (const li of added) timeline.decorate(li);
      if (page.messages.length) state.firstSeq = page.messages[0].seq;
      state.moreBefore = page.more_before;
      if (!state.moreBefore) anchor.remove();
      list.scrollTop += list.scrollHeight - height;
    }
    state.loadingOlder = false;
  }
}
