// The thread panel: opens beside the conversation from any thread link without leaving the
// page (the server renders it; the address becomes the thread's, so Back and deep links
// work), keeps it live, follows and unfollows, and closes with Esc or ×.

import { replies, setThreadSummary, threadUrl } from "/assets/messages.js";
import { Pane } from "/assets/pane.js";
import { drawReactions } from "/assets/reactions.js";

export class Threads {
  constructor(ctx) {
    this.ctx = ctx;
    this.pane = null;
    // The members panel the thread replaced, put back on close.
    this.members = document.querySelector(".conv-body > .members-panel");
    this.readTimer = null;
    this.pendingRead = null;
    const open = document.querySelector(".thread-panel");
    if (open) this.adopt(open);
    document.addEventListener("click", (event) => {
      const link = event.target.closest("a[data-thread]");
      if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
      event.preventDefault();
      this.open(Number(link.dataset.thread));
    });
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && this.pane && !event.defaultPrevented &&
          !event.target.closest(".emoji-picker")) {
        this.close();
      }
    });
    // Leaving before a pending read was sent: send it now.
    window.addEventListener("pagehide", () => this.pendingRead?.());
    window.addEventListener("popstate", () => {
      const match = location.pathname.match(/\/t\/(\d+)$/);
      if (match) this.open(Number(match[1]), { push: false }); else this.close({ push: false });
    });
  }

  /** The root of the open thread, if any. */
  get root() {
    return this.pane?.root ?? null;
  }

  async open(root, { push = true } = {}) {
    const url = threadUrl(this.ctx, root);
    if (this.root === root) {
      this.focus();
      return;
    }
    const response = await fetch(url, { credentials: "same-origin" });
    const panel = response.ok &&
      new DOMParser().parseFromString(await response.text(), "text/html").querySelector(".thread-panel");
    if (!panel) {
      location.href = url;
      return;
    }
    const current = document.querySelector(".conv-body > aside");
    current.replaceWith(panel);
    if (push) history.pushState({ thread: root }, "", url);
    this.adopt(panel);
    this.focus();
  }

  close({ push = true } = {}) {
    const panel = document.querySelector(".thread-panel");
    if (!panel) return;
    const back = `/w/${encodeURIComponent(this.ctx.slug)}/c/${this.ctx.conversation}`;
    if (!this.members) {
      // Opened from a deep link: the members panel was never on this page.
      location.href = back;
      return;
    }
    panel.replaceWith(this.members);
    this.pane = null;
    if (push) history.pushState({}, "", back);
    document.querySelector("#composer-body")?.focus();
  }

  focus() {
    document.querySelector("#thread-body")?.focus();
  }

  adopt(panel) {
    const root = Number(panel.dataset.threadPanel);
    this.pane = new Pane(panel.querySelector("#thread-messages"), this.ctx, { root });
    for (const li of panel.querySelectorAll(".message")) drawReactions(li, this.ctx.reacting);
    const composer = panel.querySelector("#thread-composer");
    if (composer) {
      const also = composer.querySelector("input[name=also_in_channel]");
      this.pane.wireComposer(composer, {
        extra: () => {
          const request = { thread_root_id: root, also_in_channel: also.checked };
          also.checked = false;
          return request;
        },
      });
    }
    panel.querySelector(".close-panel").addEventListener("click", (event) => {
      event.preventDefault();
      this.close();
    });
    this.wireFollow(panel.querySelector(".follow-form"), root);
  }

  wireFollow(form, root) {
    const button = form.querySelector("button");
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const following = button.getAttribute("aria-pressed") === "true";
      const response = await fetch(`/api/v1/messages/${root}/following`, {
        method: following ? "DELETE" : "PUT",
        headers: { "x-csrf-token": this.ctx.csrf },
      });
      if (!response.ok) return;
      const now = (await response.json()).following;
      button.setAttribute("aria-pressed", String(now));
      button.textContent = now ? "Following" : "Follow";
      button.title = now ? "Stop listing this thread under Threads" : "List this thread under Threads";
    });
  }

  /** A reply was posted (or deleted): the summary under its root, and the open panel. */
  replied(root, summary, reply = null) {
    const rootLi = document.querySelector(`#messages .message[data-id="${root}"]`);
    if (rootLi) setThreadSummary(rootLi, summary, this.ctx);
    if (this.root !== root) return;
    const count = document.querySelector("#thread-count");
    if (count) count.textContent = replies(summary ? summary.reply_count : 0);
    if (reply) {
      this.pane.upsert(reply);
      if (!document.hidden) this.markRead(root);
    }
  }

  /** The panel is open and looked at: what arrives there is read (a burst, once). */
  markRead(root) {
    clearTimeout(this.readTimer);
    this.pendingRead = () => {
      this.pendingRead = null;
      fetch(`/api/v1/messages/${root}/replies/read`, {
        method: "PUT",
        headers: { "x-csrf-token": this.ctx.csrf },
        keepalive: true,
      });
    };
    this.readTimer = setTimeout(this.pendingRead, 500);
  }
}
