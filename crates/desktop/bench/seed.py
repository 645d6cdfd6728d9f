"""Seeds OComms servers for measuring OpenChat (docs/benchmarks.md, "Desktop client") and
signs the desktop in ahead of time, the way a second run finds its kept sessions.

    python3 seed.py DATA_DIR MESSAGES URL...

On each server: me (the first account, its owner) and a peer, a workspace, MESSAGES messages
in #general (a few Markdown ones first), a direct message. Then a session for me on each is
written to DATA_DIR as OpenChat keeps it without a keyring (servers.txt, accounts.txt,
tokens.txt), so `OPENCHAT_DATA_DIR=DATA_DIR openchat` opens signed in everywhere."""

import json
import os
import sys
import urllib.request

PASSWORD = "correct horse battery staple"
MARKDOWN = [
    "Morning! The **release** is _almost_ ready, ~~Friday~~ Thursday now.",
    "Did `cargo test -p openchat` pass on CI?\nIt did here.",
    "> Did it pass on CI?\n\nYes: see https://ci.example.com/runs/42 and [the log](https://example.com/log).",
    "Checklist:\n- keyring sessions\n- Markdown in the timeline\n  1. inline styles\n  2. blocks\n- notifications",
    "```\nfn main() {\n    println!(\"hello\");\n}\n```",
    "Raw <b>HTML</b> stays text, and # this is no heading.",
    "Shipped 🚀 thanks everyone 🎉🙏",
    "🎉🎉🎉",
]
# Chat is full of emoji: every third ordinary message has one (drawn as pictures, ADR 0022).
EMOJI = "😀 😂 👍 🎉 🚀 ❤️ 🔥 ✅ 👀 🙏 💯 😅 🤔 👏 ☕ 🍕 🐛 📦 ⚡ 🌍 😎 🙌 💡 📝".split()


def call(url, method, path, body=None, token=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url + "/api/v1" + path, method=method, data=data)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(request) as response:
        text = response.read()
        return json.loads(text) if text else None


def seed(url, name, messages):
    me = call(url, "POST", "/accounts",
              {"email": "me@example.com", "password": PASSWORD, "display_name": "Ada Lovelace"})
    slug = call(url, "POST", "/workspaces", {"name": name}, me["token"])["slug"]
    invitation = call(url, "POST", f"/workspaces/{slug}/invitations", {}, me["token"])
    peer = call(url, "POST", "/accounts", {
        "email": "grace@example.com", "password": PASSWORD, "display_name": "Grace Hopper",
        "invitation_token": invitation["token"]})
    channels = call(url, "GET", f"/workspaces/{slug}/channels", None, me["token"])
    general = next(c["id"] for c in channels if c["is_general"])
    for i in range(messages):
        body = MARKDOWN[i] if i < len(MARKDOWN) else (
            f"Message {i} on {name}: some *ordinary* text with a `code` word "
            f"and a link https://example.com/{i}"
            + (f" {EMOJI[i // 3 % len(EMOJI)]}" if i % 3 == 0 else ""))
        token = peer["token"] if i % 2 == 0 else me["token"]
        call(url, "POST", f"/conversations/{general}/messages", {"body": body}, token)
    dm = call(url, "POST", f"/workspaces/{slug}/dms", {"user_ids": [me["user"]["id"]]}, peer["token"])
    call(url, "POST", f"/conversations/{dm['id']}/messages", {"body": "Psst, **lunch** at noon?"},
         peer["token"])


def main():
    data, messages, urls = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    os.makedirs(data, exist_ok=True)
    accounts, tokens = [], []
    for n, url in enumerate(urls, 1):
        seed(url, f"Server {n}", messages)
        session = call(url, "POST", "/sessions",
                       {"email": "me@example.com", "password": PASSWORD, "client_name": "openchat"})
        accounts.append(f"{url} {session['user']['id']} me@example.com\n")
        tokens.append(f"{url}#{session['user']['id']} {session['token']}\n")
    with open(os.path.join(data, "servers.txt"), "w") as f:
        f.writelines(url + "\n" for url in urls)
    with open(os.path.join(data, "accounts.txt"), "w") as f:
        f.writelines(accounts)
    path = os.path.join(data, "tokens.txt")
    with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
        f.writelines(tokens)


if __name__ == "__main__":
    main()
