// Unread state on the page (docs/adr/0015). The sidebar's counts move as messages arrive in
// the workspace's other conversations; the conversation on screen is marked read while it is
// looked at (the server marked it read when the page was made); the tab's title and icon say
// how much is new; Esc marks it all read; "mark unread" on a message holds it unread, with the
// "New messages" line before it, until Esc or the next visit.

/** `(3) #general · OComms` and a dot on the tab's icon while anything is unread. */
export function showTotal(extra = 0) {
  const counted = [...document.querySelectorAll(".sidebar .unread-count[data-unread]")]
    .reduce((sum, badge) => sum + Number(badge.dataset.unread || 0), 0);
  const total = counted + extra;
  const base = document.title.replace(/^\(\d+\+?\) /, "");
  document.title = total ? `(${total > 99 ? "99+" : total}) ${base}` : base;
  badgeIcon(total > 0);
}

let plainIcon = null;
let dottedIcon = null;

/** The app icon with a red dot (drawn once, from the icon itself), or without. */
function badgeIcon(on) {
  const link = document.querySelector("link[rel=icon]");
  if (!link) return;
  plainIcon ??= link.href;
  if (!on) {
    link.href = plainIcon;
  } else if (dottedIcon) {
    link.href = dottedIcon;
  } else {
    const image = new Image();
    image.onload = () => {
      const canvas = document.createElement("canvas");
      canvas.width = canvas.height = 64;
      const g = canvas.getContext("2d");
      g.drawImage(image, 0, 0, 64, 64);
      g.fillStyle = "#e01e5a";
      g.beginPath();
      g.arc(48, 16, 15, 0, 2 * Math.PI);
      g.fill();
      dottedIcon = canvas.toDataURL("image/png");
      if (/^\(\d/.test(document.title)) link.href = dottedIcon;
    };
    image.src = plainIcon;
  }
}

function divider() {
  const li = document.createElement("li");
  li.className = "new-divider";
  li.id = "new-messages";
  const label = document.createElement("span");
  label.textContent = "New messages";
  li.append(label);
  return li;
}

/**
 * The sidebar's unread counts, live: a message in a conversation not on screen adds to its
 * badge; a `read` frame from another tab or device sets it. Every page of a workspace keeps
 * one (the conversation page through `Unread`, the others through assets/live.js).
 */
export class Sidebar {
  /** `ctx`: `{me, conversation}` (the conversation on screen, or null). */
  constructor(ctx) {
    this.ctx = ctx;
    /** Unread messages of the conversation on screen, for the tab's title. */
    this.unseen = 0;
  }

  /**
   * Any event of the workspace: counted when it is someone else's message in the timeline of
   * a conversation not on screen. Answers the message when it is in the one on screen.
   */
  seen(event) {
    const p = event.payload;
    if (p.type !== "message_posted") return null;
    const m = p.message;
    if (m.author_id === this.ctx.me || (m.thread_root_id && !m.also_in_channel)) return null;
    if (event.conversation_id === this.ctx.conversation) return m;
    const me = this.ctx.me;
    const mentioned = m.mentions && (m.mentions.channel || m.mentions.here || (m.mentions.users || []).includes(me));
    this.bump(event.conversation_id, Boolean(mentioned));
    return null;
  }

  /** One more unread message in another conversation of the sidebar (`mentioned`: of the viewer). */
  bump(conversation, mentioned) {
    // A muted conversation shows only what mentions the reader.
    if (this.link(conversation)?.classList.contains("is-muted") && !mentioned) return;
    const badge = this.link(conversation)?.querySelector(".unread-count");
    const mentions = Number(badge?.dataset.mentions || 0) + (mentioned ? 1 : 0);
    this.setCount(conversation, Number(badge?.dataset.unread || 0) + 1, mentions);
  }

  /** Another tab or device moved a read marker (the `read` frame) of a conversation not on screen. */
  elsewhere(state) {
    this.setCount(state.conversation_id, state.unread, state.mentions || 0);
  }

  link(conversation) {
    return document.querySelector(`.sidebar a.conversation-link[data-conversation="${conversation}"]`);
  }

  /**
   * A conversation's counts in the sidebar: bold with a quiet badge while unread, a red one
   * counting mentions (every unread message of a direct message is one), plain at 0.
   */
  setCount(conversation, count, mentions = 0) {
    const link = this.link(conversation);
    if (!link) return;
    if ("direct" in link.dataset) mentions = count;
    link.classList.toggle("unread", count > 0);
    let badge = link.querySelector(".unread-count");
    if (count <= 0) {
      badge?.remove();
    } else {
      if (!badge) {
        badge = document.createElement("span");
        link.append(badge);
      }
      badge.className = "badge unread-count" + (mentions > 0 ? " mention-count" : "");
      badge.dataset.unread = String(count);
      badge.dataset.mentions = String(mentions);
      const shown = mentions > 0 && !("direct" in link.dataset) ? mentions : count;
      const hidden = document.createElement("span");
      hidden.className = "visually-hidden";
      hidden.textContent = mentions > 0 && !("direct" in link.dataset)
        ? ` ${mentions === 1 ? "mention" : "mentions"}, ${count} unread`
        : " unread";
      badge.replaceChildren(shown > 99 ? "99+" : String(shown), hidden);
    }
    showTotal(this.unseen);
  }
}

/** The conversation on screen: read while looked at, held unread on request; the sidebar beside it. */
export class Unread {
  /** `ctx`: the page's `{conversation, me, csrf}`; `list`: the timeline's `<ol>`. */
  constructor(ctx, list) {
    this.ctx = ctx;
    this.list = list;
    this.sidebar = new Sidebar(ctx);
    this.held = false;
    this.timer = null;
    const looked = () => this.looked();
    document.addEventListener("visibilitychange", looked);
    window.addEventListener("focus", looked);
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && !event.defaultPrevented &&
          !document.querySelector("dialog[open], .thread-panel, .emoji-picker, .drawer-open")) {
        this.readAll();
      }
    });
    showTotal();
  }

  get unseen() {
    return this.sidebar.unseen;
  }

  set unseen(count) {
    this.sidebar.unseen = count;
  }

  looking() {
    return document.visibilityState === "visible" && document.hasFocus();
  }

  /** Any event of the workspace, after the page applied it. */
  seen(event) {
    const m = this.sidebar.seen(event);
    if (!m) return;
    if (this.looking() && !this.held) {
      this.markRead();
    } else {
      if (!document.getElementById("new-messages")) {
        this.list.querySelector(`.message[data-id="${m.id}"]`)?.before(divider());
      }
      this.unseen += 1;
      showTotal(this.unseen);
    }
  }

  /** Another tab or device moved a read marker (the `read` frame). */
  elsewhere(state) {
    if (state.conversation_id !== this.ctx.conversation) {
      this.sidebar.elsewhere(state);
    } else if (state.unread === 0) {
      this.unseen = 0;
      showTotal();
    }
  }

  /** The page is looked at again: what arrived meanwhile is read. */
  looked() {
    if (this.looking() && this.unseen && !this.held) this.markRead();
  }

  /** Marks the conversation read up to the newest message on the page (a burst, once). */
  markRead() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      const seqs = [...this.list.querySelectorAll(".message[data-seq]")].map((li) => Number(li.dataset.seq) || 0);
      fetch(`/api/v1/conversations/${this.ctx.conversation}/read`, {
        method: "PUT",
        headers: { "content-type": "application/json", "x-csrf-token": this.ctx.csrf },
        body: JSON.stringify({ seq: Math.max(0, ...seqs) }),
        keepalive: true,
      });
      this.unseen = 0;
      showTotal();
    }, 300);
  }

  /** Esc: everything here is read, the "New messages" line goes. */
  readAll() {
    this.held = false;
    document.getElementById("new-messages")?.remove();
    this.markRead();
  }

  /** "Mark unread" on a message: unread from there on, and kept so while the page stays. */
  async markUnread(li) {
    clearTimeout(this.timer);
    const response = await fetch(`/api/v1/messages/${li.dataset.id}/unread`, {
      method: "PUT",
      headers: { "x-csrf-token": this.ctx.csrf },
    });
    if (!response.ok) return;
    this.held = true;
    document.getElementById("new-messages")?.remove();
    li.before(divider());
  }
}
