// One WebSocket to the server (docs/protocol.md), for any page that stays live: resumes from
// the positions the page was rendered at (so nothing between render and connect is missed),
// pings at the interval the server asks for, reconnects with backoff and jitter, says "away"
// while the page is hidden, and reloads the page when the server cannot replay what it missed.

/**
 * `positions()`: `{workspace_id: position}` to resume from, read at every (re)connection;
 * `onFrame(frame)`: every frame but the handshake; `onStatus(text)`: a problem to show, or
 * null when live; `onReady()`: live again after a (re)connection.
 * Returns `{send(frame), post(conversationId, request)}`: `post` sends a message over the
 * socket (a `post` frame) and resolves to the committed message, or rejects with the
 * server's reason; it returns null while not live, and rejects with `lost` set when the
 * connection drops first (send it again, with the same client id, over REST).
 */
export function connect({ positions, onFrame, onStatus, onReady = () => {} }) {
  const api = { send: () => {}, post: () => null };
  let attempt = 0;
  let pinger = null;
  let live = false;
  // Posts waiting for their answer, by client id.
  const waiting = new Map();
  const open = () => {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const ws = new WebSocket(`${scheme}://${location.host}/api/v1/ws`);
    api.send = (frame) => { if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(frame)); };
    api.post = (conversationId, request) => {
      if (!live || ws.readyState !== WebSocket.OPEN) return null;
      return new Promise((resolve, reject) => {
        waiting.set(request.client_id, { resolve, reject });
        api.send({ type: "post", conversation_id: conversationId, ...request });
      });
    };
    ws.onmessage = (message) => {
      const frame = JSON.parse(message.data);
      if (frame.type === "hello") {
        api.send({ type: "resume", positions: positions() });
        clearInterval(pinger);
        pinger = setInterval(() => api.send({ type: "ping" }), frame.heartbeat_interval_ms / 2);
      } else if (frame.type === "ready") {
        attempt = 0;
        live = true;
        onStatus(null);
        onReady();
      } else if (frame.type === "resync_required") {
        location.reload();
      } else if (frame.type === "posted" || frame.type === "post_failed") {
        const post = waiting.get(frame.client_id);
        waiting.delete(frame.client_id);
        if (frame.type === "posted") post?.resolve(frame.message);
        else post?.reject(new Error(frame.error.message));
      } else {
        onFrame(frame);
      }
    };
    ws.onclose = (closed) => {
      clearInterval(pinger);
      live = false;
      for (const post of waiting.values()) post.reject(Object.assign(new Error("connection lost"), { lost: true }));
      waiting.clear();
      attempt += 1;
      const delay = Math.min(30000, 250 * 2 ** Math.min(attempt, 7)) * (0.5 + Math.random());
      // 4008: this sign-in already has the most sockets a session may hold (docs/protocol.md §2).
      onStatus(closed.code === 4008 ? "Too many tabs of this server are open. Close some and this one will catch up."
        : navigator.onLine === false ? "You are offline. Messages will arrive when you are back." : "Reconnecting…");
      setTimeout(open, delay);
    };
  };
  open();
  // Away while the page is hidden; online again when it is looked at.
  document.addEventListener("visibilitychange", () => {
    api.send({ type: "presence", status: document.hidden ? "away" : "online" });
  });
  window.addEventListener("online", () => onStatus("Reconnecting…"));
  window.addEventListener("offline", () => onStatus("You are offline. Messages will arrive when you are back."));
  return api;
}
