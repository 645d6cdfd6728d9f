// The live timeline of a conversation page: one WebSocket (docs/protocol.md) that resumes
// from the position the page was rendered at, so nothing between render and connect is
// missed; the composer (Enter sends, Shift+Enter newline, Up edits your last message) with
// pending and retry states; typing indicators; older history on scroll; a visible
// reconnecting/offline state. The page works without this file: forms post and reload.

import { applyReactionEvent, drawReactions, loadCatalogue, remember, setReactions } from "/assets/reactions.js";

const root = document.querySelector("[data-timeline]");
if (root) start(root);

function start(root) {
  const state = {
    conversation: Number(root.dataset.conversation),
    workspace: Number(root.dataset.workspace),
    slug: root.dataset.slug,
    position: Number(root.dataset.position),
    me: Number(root.dataset.me),
    people: JSON.parse(root.dataset.people || "{}"),
    csrf: root.dataset.csrf,
    firstSeq: Number(root.dataset.firstSeq),
    moreBefore: root.dataset.moreBefore === "true",
    loadingOlder: false,
    editing: null,
    typers: new Map(),
  };
  // People whose status a `presence` frame brought since the last refreshPresence().
  let presenceSeen = new Set();
  const list = root.querySelector("#messages");
  const status = root.querySelector("#connection-status");
  const typing = root.querySelector("#typing");
  const jump = root.querySelector("#jump-latest");
  const composer = root.querySelector("#composer");
  const dayFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "full" });
  const timeFormat = new Intl.DateTimeFormat(undefined, { timeStyle: "short" });

  // Reactions: live toggles over the server-rendered forms (assets/reactions.js).
  const reacting = {
    me: state.me,
    canReact: Boolean(composer),
    person,
    toggle: async (id, emoji, on) => {
      const response = await fetch(`/api/v1/messages/${id}/reactions/${encodeURIComponent(emoji)}`, {
        method: on ? "PUT" : "DELETE",
        headers: { "x-csrf-token": state.csrf },
      });
      const li = document.getElementById(`m${id}`);
      if (response.ok && li) {
        setReactions(li, (await response.json()).reactions, reacting);
        if (on) remember(emoji);
      }
    },
  };
  for (const li of list.querySelectorAll(".message")) drawReactions(li, reacting);
  // Labels name each emoji once the list is in (it is cached with the other assets).
  loadCatalogue().then(() => { for (const li of list.querySelectorAll(".message")) drawReactions(li, reacting); });

  localiseDays(list);
  scrollToBottom();
  const socket = connect();
  if (composer) wireComposer(composer, socket);
  wireDeleteButtons(list);
  list.addEventListener("scroll", () => {
    if (list.scrollTop < 80) loadOlder();
    if (nearBottom()) jump.hidden = true;
  });
  jump.addEventListener("click", () => { scrollToBottom(); jump.hidden = true; });

  // ---- connection ----

  function connect() {
    const api = { send: () => {} };
    let attempt = 0;
    let pinger = null;
    const open = () => {
      const scheme = location.protocol === "https:" ? "wss" : "ws";
      const ws = new WebSocket(`${scheme}://${location.host}/api/v1/ws`);
      api.send = (frame) => { if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(frame)); };
      ws.onmessage = (message) => {
        const frame = JSON.parse(message.data);
        if (frame.type === "hello") {
          api.send({ type: "resume", positions: { [state.workspace]: state.position } });
          clearInterval(pinger);
          pinger = setInterval(() => api.send({ type: "ping" }), frame.heartbeat_interval_ms / 2);
        } else if (frame.type === "ready") {
          attempt = 0;
          showStatus(null);
          refreshPresence();
        } else if (frame.type === "event") {
          if (frame.event.workspace_id === state.workspace) state.position = Math.max(state.position, frame.event.position);
          if (frame.event.conversation_id === state.conversation) apply(frame.event);
        } else if (frame.type === "resync_required") {
          location.reload();
        } else if (frame.type === "typing" && frame.conversation_id === state.conversation) {
          showTyping(frame.user_id);
        } else if (frame.type === "presence") {
          for (const { user_id, status } of frame.statuses) {
            showPresence(user_id, status);
            presenceSeen.add(user_id);
          }
        }
      };
      ws.onclose = (closed) => {
        clearInterval(pinger);
        attempt += 1;
        const delay = Math.min(30000, 250 * 2 ** Math.min(attempt, 7)) * (0.5 + Math.random());
        // 4008: this sign-in already has the most sockets a session may hold (docs/protocol.md §2).
        showStatus(closed.code === 4008 ? "Too many tabs of this server are open. Close some and this one will catch up."
          : navigator.onLine === false ? "You are offline. Messages will arrive when you are back." : "Reconnecting…");
        setTimeout(open, delay);
      };
    };
    open();
    // Away while the page is hidden; online again when it is looked at.
    document.addEventListener("visibilitychange", () => {
      api.send({ type: "presence", status: document.hidden ? "away" : "online" });
    });
    window.addEventListener("online", () => showStatus("Reconnecting…"));
    window.addEventListener("offline", () => showStatus("You are offline. Messages will arrive when you are back."));
    return api;
  }

  function showStatus(text) {
    status.hidden = !text;
    status.textContent = text || "";
  }

  // ---- applying events ----

  function apply(event) {
    const p = event.payload;
    if (p.type === "message_posted") {
      upsert(p.message);
    } else if (p.type === "message_edited") {
      const li = document.getElementById(`m${p.message_id}`);
      if (li) {
        li.dataset.body = p.body;
        li.querySelector(".message-body").innerHTML = p.html;
        markEdited(li);
      }
    } else if (p.type === "message_deleted") {
      const li = document.getElementById(`m${p.message_id}`);
      if (li) tombstone(li);
    } else if (p.type === "reaction_added" || p.type === "reaction_removed") {
      const li = document.getElementById(`m${p.message_id}`);
      if (li) applyReactionEvent(li, p, reacting);
    } else {
      const text = describe(event);
      if (text) append(noticeLine(text, event.at, event.seq));
    }
  }

  function upsert(message) {
    if (document.getElementById(`m${message.id}`)) return;
    const pending = message.client_id && list.querySelector(`[data-client-id="${CSS.escape(message.client_id)}"]`);
    const li = messageElement(message);
    if (pending) {
      pending.replaceWith(li);
    } else {
      append(li);
    }
    wireDeleteButtons(li);
  }

  function append(li) {
    const stick = nearBottom();
    const last = [...list.querySelectorAll(".message, .notice-line")].pop();
    const at = Number(li.dataset.at);
    if (!last || day(Number(last.dataset.at)) !== day(at)) list.append(daySeparator(at));
    if (li.classList.contains("message") && last && last.classList.contains("message") &&
        last.dataset.author === li.dataset.author && at - Number(last.dataset.at) < 300000 &&
        day(Number(last.dataset.at)) === day(at)) {
      li.classList.add("continued");
    }
    list.append(li);
    if (stick || li.classList.contains("mine")) scrollToBottom(); else jump.hidden = false;
  }

  function person(id) {
    return state.people[String(id)] || { name: "Someone", avatar: "" };
  }

  function messageElement(m, pending = false) {
    const li = document.createElement("li");
    li.className = "message" + (m.author_id === state.me ? " mine" : "") + (pending ? " pending" : "");
    li.id = pending ? "" : `m${m.id}`;
    li.dataset.id = m.id ?? "";
    li.dataset.seq = m.seq ?? "";
    li.dataset.author = m.author_id;
    li.dataset.at = m.created_at;
    li.dataset.body = m.body;
    if (m.client_id) li.dataset.clientId = m.client_id;
    const who = person(m.author_id);
    const avatar = document.createElement("img");
    avatar.className = "avatar";
    avatar.src = who.avatar;
    avatar.alt = "";
    avatar.width = avatar.height = 36;
    const main = document.createElement("div");
    main.className = "message-main";
    const meta = document.createElement("p");
    meta.className = "message-meta";
    const author = document.createElement("strong");
    author.className = "message-author";
    author.textContent = who.name;
    const time = document.createElement("time");
    time.dateTime = new Date(m.created_at).toISOString();
    time.textContent = timeFormat.format(new Date(m.created_at));
    meta.append(author, " ", time);
    const body = document.createElement("div");
    body.className = "message-body";
    // Rendered by the server from Markdown with every HTML tag of the source escaped.
    if (pending) body.textContent = m.body; else body.innerHTML = m.html;
    main.append(meta, body);
    if (m.edited_at) markEdited(li, meta);
    if (m.author_id === state.me && !pending) main.append(deleteButton());
    li.append(avatar, main);
    li.dataset.reactions = JSON.stringify(m.reactions || []);
    if (!pending) drawReactions(li, reacting);
    if (m.deleted) tombstone(li);
    return li;
  }

  function markEdited(li, meta = li.querySelector(".message-meta")) {
    if (meta.querySelector(".edited")) return;
    const edited = document.createElement("span");
    edited.className = "edited";
    edited.textContent = "(edited)";
    meta.append(" ", edited);
  }

  function tombstone(li) {
    li.classList.add("deleted");
    li.dataset.body = "";
    const body = li.querySelector(".message-body");
    body.className = "message-body tombstone";
    body.textContent = "This message was deleted.";
    li.querySelector(".message-actions")?.remove();
    li.querySelector(".edited")?.remove();
    li.querySelector(".reactions")?.replaceChildren();
  }

  function noticeLine(text, at, seq) {
    const li = document.createElement("li");
    li.className = "notice-line";
    li.dataset.at = at;
    li.dataset.seq = seq;
    li.textContent = text + " ";
    const time = document.createElement("time");
    time.textContent = timeFormat.format(new Date(at));
    li.append(time);
    return li;
  }

  function describe(event) {
    const p = event.payload;
    const actor = person(event.actor).name;
    switch (p.type) {
      case "member_joined": return p.user_id === event.actor ? `${actor} joined` : `${actor} added ${person(p.user_id).name}`;
      case "member_left": return `${person(p.user_id).name} left`;
      case "member_removed": return `${actor} removed ${person(p.user_id).name}`;
      case "topic_changed": return p.topic ? `${actor} set the topic: ${p.topic}` : `${actor} cleared the topic`;
      case "description_changed": return `${actor} changed the description`;
      case "conversation_renamed": return `${actor} renamed the channel to #${p.name}`;
      case "conversation_archived": return `${actor} archived the channel`;
      case "conversation_unarchived": return `${actor} unarchived the channel`;
      default: return null;
    }
  }

  function daySeparator(at) {
    const li = document.createElement("li");
    li.className = "day-separator";
    li.dataset.day = day(at);
    const span = document.createElement("span");
    span.textContent = dayFormat.format(new Date(at));
    li.append(span);
    return li;
  }

  function day(at) {
    const date = new Date(at);
    return Number.isNaN(date.getTime()) ? "" : date.toISOString().slice(0, 10);
  }

  function localiseDays(scope) {
    for (const li of scope.querySelectorAll(".day-separator[data-day]")) {
      li.querySelector("span").textContent = dayFormat.format(new Date(`${li.dataset.day}T12:00:00Z`));
    }
  }

  // ---- composer ----

  function wireComposer(form, socket) {
    const input = form.querySelector("textarea");
    let lastTyping = 0;
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const body = input.value.trim();
      if (!body) return;
      if (state.editing) {
        saveEdit(state.editing, body);
        stopEditing(form, input);
      } else {
        send({ body, client_id: crypto.randomUUID() });
      }
      input.value = "";
      resize(input);
    });
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        form.requestSubmit();
      } else if (event.key === "ArrowUp" && !input.value) {
        const mine = [...list.querySelectorAll(".message.mine:not(.deleted):not(.pending)")].pop();
        if (mine) {
          event.preventDefault();
          state.editing = mine;
          mine.classList.add("editing");
          form.classList.add("editing");
          input.value = mine.dataset.body;
        }
      } else if (event.key === "Escape" && state.editing) {
        stopEditing(form, input);
        input.value = "";
      }
    });
    input.addEventListener("input", () => {
      resize(input);
      const now = Date.now();
      if (now - lastTyping > 3000 && input.value) {
        lastTyping = now;
        socket.send({ type: "typing", conversation_id: state.conversation });
      }
    });
  }

  function stopEditing(form, input) {
    state.editing?.classList.remove("editing");
    state.editing = null;
    form.classList.remove("editing");
    input.focus();
  }

  function resize(input) {
    input.style.height = "auto";
    input.style.height = `${Math.min(input.scrollHeight, 240)}px`;
  }

  /** Shows the message at once as pending; the server's copy (by client id) replaces it. */
  async function send(request) {
    const draft = { author_id: state.me, body: request.body, client_id: request.client_id, created_at: Date.now() };
    let li = list.querySelector(`[data-client-id="${CSS.escape(request.client_id)}"]`);
    if (!li) {
      li = messageElement(draft, true);
      append(li);
    }
    li.classList.remove("failed");
    li.querySelector(".retry")?.remove();
    try {
      const response = await fetch(`/api/v1/conversations/${state.conversation}/messages`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-csrf-token": state.csrf },
        body: JSON.stringify(request),
      });
      if (!response.ok) throw new Error((await response.json()).message);
      upsert(await response.json());
    } catch (error) {
      li.classList.add("failed");
      const retry = document.createElement("button");
      retry.type = "button";
      retry.className = "link retry";
      retry.textContent = `Not sent${error.message ? ` (${error.message})` : ""}. Retry`;
      retry.addEventListener("click", () => send(request));
      li.querySelector(".message-main").append(retry);
    }
  }

  async function saveEdit(li, body) {
    const response = await fetch(`/api/v1/messages/${li.dataset.id}`, {
      method: "PATCH",
      headers: { "content-type": "application/json", "x-csrf-token": state.csrf },
      body: JSON.stringify({ body }),
    });
    if (response.ok) {
      const message = await response.json();
      li.dataset.body = message.body;
      li.querySelector(".message-body").innerHTML = message.html;
      if (message.edited_at) markEdited(li);
    }
  }

  function deleteButton() {
    const form = document.createElement("form");
    form.className = "message-actions";
    const button = document.createElement("button");
    button.type = "submit";
    button.className = "link danger";
    button.textContent = "Delete";
    form.append(button);
    return form;
  }

  function wireDeleteButtons(scope) {
    for (const form of scope.querySelectorAll(".message-actions")) {
      if (form.dataset.wired) continue;
      form.dataset.wired = "1";
      form.addEventListener("submit", async (event) => {
        event.preventDefault();
        event.stopImmediatePropagation();
        if (!window.confirm("Delete this message?")) return;
        const li = form.closest(".message");
        const response = await fetch(`/api/v1/messages/${li.dataset.id}`, {
          method: "DELETE",
          headers: { "x-csrf-token": state.csrf },
        });
        if (response.ok) tombstone(li);
      }, { capture: true });
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
      const response = await fetch(`/api/v1/workspaces/${encodeURIComponent(state.slug)}/presence`,
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

  function renderTyping() {
    const names = [...state.typers.keys()].map((id) => person(id).name);
    typing.textContent = names.length === 0 ? "" :
      names.length === 1 ? `${names[0]} is typing…` : `${names.join(", ")} are typing…`;
  }

  function nearBottom() {
    return list.scrollHeight - list.scrollTop - list.clientHeight < 120;
  }

  function scrollToBottom() {
    list.scrollTop = list.scrollHeight;
  }

  async function loadOlder() {
    if (!state.moreBefore || state.loadingOlder) return;
    state.loadingOlder = true;
    const response = await fetch(`/api/v1/conversations/${state.conversation}/messages?before=${state.firstSeq}&limit=50`);
    if (response.ok) {
      const page = await response.json();
      const height = list.scrollHeight;
      const anchor = list.querySelector(".load-older");
      for (const message of page.messages) anchor.after(messageElement(message));
      // Re-insert in order: each was put right after the anchor, so reverse them.
      const added = [...list.querySelectorAll(".load-older ~ .message")].slice(0, page.messages.length);
      added.reverse().forEach((li) => anchor.after(li));
      wireDeleteButtons(list);
      if (page.messages.length) state.firstSeq = page.messages[0].seq;
      state.moreBefore = page.more_before;
      if (!state.moreBefore) anchor.remove();
      list.scrollTop += list.scrollHeight - height;
    }
    state.loadingOlder = false;
  }
}
