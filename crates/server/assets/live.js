// The pages of a workspace other than a conversation (Activity, Threads, Members, settings…):
// they stay live too, over the same WebSocket protocol (assets/socket.js), so the sidebar's
// unread counts, the tab's title and desktop notifications keep up wherever the reader is.
// The conversation page does all this itself (assets/timeline.js).

import { Notifier } from "/assets/notify.js";
import { connect } from "/assets/socket.js";
import { Sidebar } from "/assets/unread.js";

/** Starts on a workspace page's sidebar (`data-position`), unless a timeline runs already. */
export function wireLiveSidebar() {
  const sidebar = document.querySelector(".sidebar[data-position]");
  if (!sidebar || document.querySelector("[data-timeline]")) return;
  const workspace = Number(sidebar.dataset.workspace);
  let position = Number(sidebar.dataset.position);
  let names = null;
  const ctx = {
    slug: sidebar.dataset.slug,
    me: Number(sidebar.dataset.viewer),
    conversation: null,
    people: null,
    // Names are fetched only when a notification needs one.
    lookup: async (id) => {
      names ??= fetch(`/api/v1/workspaces/${encodeURIComponent(sidebar.dataset.slug)}/members`,
        { credentials: "same-origin" })
        .then((r) => (r.ok ? r.json() : []))
        .then((members) => new Map(members.map((m) => [m.user_id, m.profile.display_name])))
        .catch(() => { names = null; return new Map(); });
      return (await names).get(id);
    },
  };
  const counts = new Sidebar(ctx);
  const notifier = new Notifier(ctx);
  const status = document.createElement("p");
  status.className = "connection-status";
  status.setAttribute("role", "status");
  status.hidden = true;
  sidebar.append(status);
  connect({
    positions: () => ({ [workspace]: position }),
    onStatus: (text) => {
      status.hidden = !text;
      status.textContent = text || "";
      // Said on the sidebar too, for styles and tests: "on" once live.
      sidebar.dataset.live = text ? "off" : "on";
    },
    onFrame: (frame) => {
      if (frame.type === "event") {
        if (frame.event.workspace_id === workspace) position = Math.max(position, frame.event.position);
        counts.seen(frame.event);
        notifier.seen(frame.event);
      } else if (frame.type === "notify") {
        notifier.show(frame.notification);
      } else if (frame.type === "read") {
        counts.elsewhere(frame.state);
      } else if (frame.type === "position" && frame.workspace_id === workspace) {
        // Events that were not ours moved the workspace on: resume after them.
        position = Math.max(position, frame.position);
      }
    },
  });
}
