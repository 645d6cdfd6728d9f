// Desktop notifications in the browser (docs/adr/0017). The server decides what should
// reach the reader now (their levels, mentions, direct messages, quiet hours) and says so
// with a `notify` frame right after the message's event; this shows it with the browser's
// Notification API, unless the reader is looking at that very conversation. Permission is
// asked for only when the reader presses "Turn on desktop notifications".

const KEPT = 100;
/** Notifications replayed on reconnecting are shown only for messages this recent. */
const FRESH_MS = 10 * 60 * 1000;

/** The Notifications page's switch and the line that says how things stand. */
export function wireNotificationSettings() {
  const state = document.querySelector("[data-notification-state]");
  const button = document.querySelector("[data-enable-notifications]");
  if (!state) return;
  const show = () => {
    if (!("Notification" in window)) {
      state.textContent = "This browser cannot show desktop notifications.";
    } else if (Notification.permission === "granted") {
      state.textContent = "Desktop notifications are on in this browser while OComms is open in a tab.";
    } else if (Notification.permission === "denied") {
      state.textContent = "This browser blocks notifications from this site: allow them in its site settings.";
    } else {
      state.textContent = "Desktop notifications are off in this browser.";
    }
    if (button) button.hidden = !("Notification" in window) || Notification.permission !== "default";
  };
  button?.addEventListener("click", async () => {
    await Notification.requestPermission();
    show();
  });
  show();
}

export class Notifier {
  /**
   * `ctx`: the page's `{slug, conversation, people}`; on pages without the workspace's people
   * at hand, `people` is null and `lookup(id)` finds a name when one is needed.
   */
  constructor(ctx) {
    this.ctx = ctx;
    this.messages = new Map();
  }

  /** Every event frame: the newest messages are kept, to say what a notification is about. */
  seen(event) {
    const p = event.payload;
    if (p.type !== "message_posted") return;
    this.messages.set(p.message.id, p.message);
    if (this.messages.size > KEPT) this.messages.delete(this.messages.keys().next().value);
  }

  /** A `notify` frame. */
  async show(notification) {
    if (!("Notification" in window) || Notification.permission !== "granted") return;
    const looking = document.visibilityState === "visible" && document.hasFocus();
    if (looking && notification.conversation_id === this.ctx.conversation) return;
    const message = this.messages.get(notification.message_id);
    if (!message) return;
    // Replayed after a long time away (a laptop waking): the badges say it, no pop-up burst.
    if (Date.now() - message.created_at > FRESH_MS) return;
    const author = this.ctx.people?.[String(message.author_id)]?.name
      || (await this.ctx.lookup?.(message.author_id)) || "Someone";
    const place = this.place(notification.conversation_id);
    const title = {
      mention: `${author} mentioned you in ${place}`,
      direct: author,
      message: `${author} in ${place}`,
      reply: `${author} replied to a thread in ${place}`,
    }[notification.reason] || place;
    const shown = new Notification(title, {
      body: message.body.length > 200 ? `${message.body.slice(0, 199)}…` : message.body,
      // One per message however many tabs are open.
      tag: `ocomms-${notification.message_id}`,
      icon: "/assets/icon.svg",
    });
    shown.addEventListener("click", () => {
      window.focus();
      location.href = this.link(message);
      shown.close();
    });
  }

  place(conversation) {
    const link = document.querySelector(`.sidebar a.conversation-link[data-conversation="${conversation}"]`);
    const name = link?.querySelector(".conversation-name")?.textContent.trim();
    if (!name) return "a conversation";
    return "direct" in link.dataset ? name : `#${name}`;
  }

  /** Where the message is: its conversation, or its thread for a reply kept there. */
  link(message) {
    const base = `/w/${encodeURIComponent(this.ctx.slug)}/c/${message.conversation_id}`;
    return message.thread_root_id && !message.also_in_channel
      ? `${base}/t/${message.thread_root_id}#t${message.id}`
      : `${base}#m${message.id}`;
  }
}
