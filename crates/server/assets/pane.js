// A list of messages with its composer: the conversation's timeline, or a thread beside it.
// Sending shows the message at once as pending and swaps in the server's copy (matched by
// client id); Enter sends, Shift+Enter adds a line, Up edits your last message, Esc cancels.

import { drawToolbar, keepTabStop, showLinked, wireKeyboard } from "/assets/actions.js";
import { addCopyButtons, markEdited, markMentions, messageElement, setPinned, tombstone } from "/assets/messages.js";
import { applyReactionEvent } from "/assets/reactions.js";
import { attachAutocomplete } from "/assets/autocomplete.js";

const dayFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "full" });
/** The server's limit, in characters (code points), and where the counter starts showing. */
const MAX_CHARS = 40000;
const COUNT_FROM = 36000;
const timeFormat = new Intl.DateTimeFormat(undefined, { timeStyle: "short" });
const whenFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

export class Pane {
  /**
   * `list`: the `<ol>` of messages. `root`: the thread's top-level message id, for a thread
   * panel. `onScrolledAway(bool)`: told whether new messages arrive out of sight.
   */
  constructor(list, ctx, { root = null, onScrolledAway = () => {} } = {}) {
    this.list = list;
    this.ctx = ctx;
    this.root = root;
    this.onScrolledAway = onScrolledAway;
    this.editing = null;
    if (!root) localiseDays(list);
    // The server writes UTC; show the reader's time (a thread has no day separators, so
    // its messages carry the date).
    localiseTimes(list, ".message-meta time[datetime]", root ? whenFormat : timeFormat);
    localiseTimes(list, ".thread-summary time[datetime]", whenFormat);
    for (const li of list.querySelectorAll(".message")) this.decorate(li);
    wireKeyboard(this);
    addCopyButtons(list);
    // A linked message first; else where the reader left off ("New messages"); else the end.
    if (!showLinked(list)) {
      this.scrollToBottom();
      list.querySelector("#new-messages")?.scrollIntoView({ block: "center" });
    }
  }

  find(id) {
    return this.list.querySelector(`.message[data-id="${CSS.escape(String(id))}"]`);
  }

  /** Adds the server's copy of a message unless it is there already. */
  upsert(message) {
    if (this.find(message.id)) return;
    const pending = message.client_id &&
      this.list.querySelector(`[data-client-id="${CSS.escape(message.client_id)}"]`);
    const li = messageElement(message, this.ctx, { inThread: Boolean(this.root) });
    if (pending) pending.replaceWith(li); else this.append(li);
    this.decorate(li);
    keepTabStop(this.list);
  }

  /** Gives a message its action toolbar (assets/actions.js). */
  decorate(li) {
    drawToolbar(li, this);
  }

  append(li) {
    const stick = this.nearBottom();
    const last = [...this.list.querySelectorAll(".message, .notice-line")].pop();
    const at = Number(li.dataset.at);
    if (!this.root && (!last || day(Number(last.dataset.at)) !== day(at))) this.list.append(daySeparator(at));
    if (li.classList.contains("message") && last && last.classList.contains("message") &&
        last.dataset.author === li.dataset.author && at - Number(last.dataset.at) < 300000 &&
        day(Number(last.dataset.at)) === day(at)) {
      li.classList.add("continued");
    }
    this.list.append(li);
    if (stick || li.classList.contains("mine")) this.scrollToBottom(); else this.onScrolledAway(true);
  }

  edited(id, body, html, mentions) {
    const li = this.find(id);
    if (!li) return;
    li.dataset.body = body;
    li.querySelector(".message-body").innerHTML = html;
    addCopyButtons(li);
    markEdited(li);
    markMentions(li, mentions, this.ctx.me);
  }

  deleted(id) {
    const li = this.find(id);
    if (li) tombstone(li);
  }

  /** Pinned by user `by`, or unpinned (`null`). */
  pinned(id, by) {
    const li = this.find(id);
    if (li) setPinned(li, by, this.ctx);
  }

  reacted(payload) {
    const li = this.find(payload.message_id);
    if (li) applyReactionEvent(li, payload, this.ctx.reacting);
  }

  nearBottom() {
    return this.list.scrollHeight - this.list.scrollTop - this.list.clientHeight < 120;
  }

  scrollToBottom() {
    this.list.scrollTop = this.list.scrollHeight;
  }

  // ---- composer ----

  /** `extra()` adds to each request (a thread's root); `onInput()` runs as the person types. */
  wireComposer(form, { extra = () => ({}), onInput = () => {} } = {}) {
    const input = form.querySelector("textarea");
    this.form = form;
    this.input = input;
    attachAutocomplete(input, this.ctx);
    // Near the limit, how many characters are left; past it, sending waits.
    const counter = document.createElement("p");
    counter.className = "char-count";
    counter.setAttribute("aria-live", "polite");
    counter.hidden = true;
    input.after(counter);
    const count = () => {
      const used = [...input.value].length;
      counter.hidden = used < COUNT_FROM;
      counter.classList.toggle("over", used > MAX_CHARS);
      counter.textContent = used > MAX_CHARS
        ? `${(used - MAX_CHARS).toLocaleString()} characters too long to send (at most ${MAX_CHARS.toLocaleString()})`
        : `${(MAX_CHARS - used).toLocaleString()} characters left`;
      return used;
    };
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const body = input.value.trim();
      if (!body || count() > MAX_CHARS) return;
      if (this.editing) {
        this.saveEdit(this.editing, body);
        this.stopEditing(form, input);
      } else {
        this.send({ body, client_id: crypto.randomUUID(), ...extra() });
      }
      input.value = "";
      resize(input);
      count();
    });
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        // Nothing to send: do nothing (no "Please fill out this field" bubble).
        if (input.value.trim()) form.requestSubmit();
      } else if (event.key === "ArrowUp" && !input.value) {
        const mine = [...this.list.querySelectorAll(".message.mine:not(.deleted):not(.pending)")].pop();
        if (mine && (!this.root || mine.dataset.id !== String(this.root))) {
          event.preventDefault();
          this.edit(mine);
        }
      } else if (event.key === "Escape" && this.editing) {
        // Handled here: Esc closes a thread panel only when nothing is being edited.
        event.preventDefault();
        this.stopEditing(form, input);
        input.value = "";
      }
    });
    input.addEventListener("input", () => {
      resize(input);
      count();
      onInput(input.value);
    });
  }

  /** Puts one of the viewer's messages in the composer to be changed (Enter saves). */
  edit(li) {
    if (!this.input) return;
    this.editing?.classList.remove("editing");
    this.editing = li;
    li.classList.add("editing");
    this.form.classList.add("editing");
    this.input.value = li.dataset.body;
    this.input.dispatchEvent(new Event("input"));
    this.input.focus();
  }

  stopEditing(form, input) {
    this.editing?.classList.remove("editing");
    this.editing = null;
    form.classList.remove("editing");
    input.focus();
  }

  async send(request) {
    const draft = { author_id: this.ctx.me, body: request.body, client_id: request.client_id, created_at: Date.now() };
    let li = this.list.querySelector(`[data-client-id="${CSS.escape(request.client_id)}"]`);
    if (!li) {
      li = messageElement(draft, this.ctx, { pending: true, inThread: Boolean(this.root) });
      this.append(li);
    }
    li.classList.remove("failed");
    li.classList.add("pending");
    li.querySelector(".send-failure")?.remove();
    try {
      this.upsert(await this.post(request));
    } catch (error) {
      this.failed(li, request, error.message);
    }
  }

  /** Sends over the live socket when there is one, else (or when it drops first) over REST;
   * the client id makes the second try safe. */
  async post(request) {
    const overSocket = this.ctx.post?.(request);
    if (overSocket) {
      try {
        return await overSocket;
      } catch (error) {
        if (!error.lost) throw error;
      }
    }
    const response = await fetch(`/api/v1/conversations/${this.ctx.conversation}/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-csrf-token": this.ctx.csrf },
      body: JSON.stringify(request),
    });
    if (!response.ok) throw new Error((await response.json()).message);
    return response.json();
  }

  /** A message that was not sent: shown folded, with Retry, Edit and Discard. */
  failed(li, request, reason) {
    li.classList.remove("pending");
    li.classList.add("failed");
    const failure = document.createElement("p");
    failure.className = "send-failure";
    failure.setAttribute("role", "alert");
    const action = (label, run) => {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "link";
      button.textContent = label;
      button.addEventListener("click", run);
      return button;
    };
    failure.append(
      `Not sent${reason ? `: ${reason}` : "."} `,
      action("Retry", () => this.send(request)), " ",
      action("Edit", () => {
        li.remove();
        if (this.input) {
          this.input.value = request.body;
          this.input.dispatchEvent(new Event("input"));
          this.input.focus();
        }
      }), " ",
      action("Discard", () => li.remove()),
    );
    li.querySelector(".message-main").append(failure);
    li.scrollIntoView({ block: "nearest" });
  }

  async saveEdit(li, body) {
    const response = await fetch(`/api/v1/messages/${li.dataset.id}`, {
      method: "PATCH",
      headers: { "content-type": "application/json", "x-csrf-token": this.ctx.csrf },
      body: JSON.stringify({ body }),
    });
    if (response.ok) {
      const message = await response.json();
      this.edited(message.id, message.body, message.html, message.mentions);
    }
  }

  /** Pins or unpins a message; the event that follows updates every copy and the count. */
  async pin(li) {
    const pinned = li.classList.contains("pinned");
    const response = await fetch(`/api/v1/messages/${li.dataset.id}/pin`, {
      method: pinned ? "DELETE" : "PUT",
      headers: { "x-csrf-token": this.ctx.csrf },
    });
    if (response.ok) setPinned(li, (await response.json()).pinned?.by ?? null, this.ctx);
  }

  /** Deletes one of the viewer's messages, after asking. */
  async remove(li) {
    if (!window.confirm("Delete this message?")) return;
    const response = await fetch(`/api/v1/messages/${li.dataset.id}`, {
      method: "DELETE",
      headers: { "x-csrf-token": this.ctx.csrf },
    });
    if (response.ok) {
      const next = li.nextElementSibling?.closest(".message") || this.input;
      tombstone(li);
      next?.focus();
    }
  }
}

function resize(input) {
  input.style.height = "auto";
  input.style.height = `${Math.min(input.scrollHeight, 240)}px`;
}

export function daySeparator(at) {
  const li = document.createElement("li");
  li.className = "day-separator";
  li.dataset.day = day(at);
  const span = document.createElement("span");
  span.textContent = dayFormat.format(new Date(at));
  li.append(span);
  return li;
}

export function day(at) {
  const date = new Date(at);
  return Number.isNaN(date.getTime()) ? "" : date.toISOString().slice(0, 10);
}

function localiseTimes(scope, selector, format) {
  for (const time of scope.querySelectorAll(selector)) {
    const at = new Date(time.dateTime);
    if (!Number.isNaN(at.getTime())) time.textContent = format.format(at);
  }
}

function localiseDays(scope) {
  for (const li of scope.querySelectorAll(".day-separator[data-day]")) {
    li.querySelector("span").textContent = dayFormat.format(new Date(`${li.dataset.day}T12:00:00Z`));
  }
}
