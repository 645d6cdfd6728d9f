#!/usr/bin/env bash
# Screenshots of OpenChat to look at (never committed): three servers seeded with Markdown and
# emoji (bench/seed.py), a muted #random with a mention of me in it, emoji sequences last in
# #general with reactions under them, then the window in light and dark — the timeline,
# Activity, the notification settings — and once more with the servers down (the offline
# cache), before and after a click on a reaction.
#
#   cargo build -p ocomms-server && cargo build --release -p openchat
#   bash crates/desktop/bench/shots.sh            # SHOTS=dir (default /tmp/openchat-shots)
#
# Needs Xvfb, xdotool, ImageMagick and python3. Servers listen on 127.0.0.1:4731-4733, the
# X display is :79; everything it starts is stopped at the end. MESSAGES (default 120, more than
# a history page) are seeded in each #general.
set -euo pipefail

target=${CARGO_TARGET_DIR:-target}
openchat=${OPENCHAT:-$target/release/openchat}
out=${SHOTS:-/tmp/openchat-shots}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
display=:79
pids=()
servers=()
cleanup() {
    kill "${pids[@]}" "${servers[@]}" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$out"

Xvfb "$display" -screen 0 1100x700x24 >"$work/xvfb.log" 2>&1 &
pids+=($!)
urls=()
for n in 1 2 3; do
    "$target/debug/ocomms" serve --data-dir "$work/s$n" --listen "127.0.0.1:473$n" \
        >"$work/s$n.log" 2>&1 &
    servers+=($!)
    urls+=("http://127.0.0.1:473$n")
done
for url in "${urls[@]}"; do
    until curl -sf "$url/healthz" >/dev/null; do sleep 0.1; done
done
python3 "$here/seed.py" "$work/data" "${MESSAGES:-120}" "${urls[@]}"
# On the first server: #random, muted by me, where Grace mentions me.
python3 - "$here" "${urls[0]}" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
from seed import call, PASSWORD
url = sys.argv[2]
sign_in = lambda email: call(url, "POST", "/sessions", {"email": email, "password": PASSWORD})
me, grace = sign_in("me@example.com"), sign_in("grace@example.com")
slug = call(url, "GET", "/workspaces", None, me["token"])[0]["slug"]
random = call(url, "POST", f"/workspaces/{slug}/channels",
              {"name": "random", "members": [grace["user"]["id"]]}, me["token"])
call(url, "PUT", f"/conversations/{random['id']}/notifications", {"level": "nothing"}, me["token"])
handle = call(url, "GET", "/me", None, me["token"])["profile"]["handle"]
for body in ["Anyone for ☕?", f"@{handle} can you look at the 🐛 in the cache? 🙏", "Pizza 🍕 on Friday"]:
    call(url, "POST", f"/conversations/{random['id']}/messages", {"body": body}, grace["token"])
# The newest in #general: sequences drawn as one picture each (ZWJ, flags, skin tones).
general = next(c["id"] for c in call(url, "GET", f"/workspaces/{slug}/channels", None, me["token"])
               if c["is_general"])
team = call(url, "POST", f"/conversations/{general}/messages",
            {"body": "Team 👩\u200d💻👨\u200d🔬 in 🇫🇷 🇯🇵, 👍🏽 👋🏿, 🏳️\u200d🌈 "
                     "🏴\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F"}, grace["token"])
# Reactions under it: 👍 by both (mine highlighted), 🎉 by Grace, 👩‍💻 by me.
from urllib.parse import quote
for emoji, token in [("👍", grace["token"]), ("👍", me["token"]), ("🎉", grace["token"]),
                     ("👩\u200d💻", me["token"])]:
    call(url, "PUT", f"/messages/{team['id']}/reactions/{quote(emoji)}", None, token)
PY

export DISPLAY=$display
shoot() { sleep "${2:-1}"; import -window root "$out/$1.png"; echo "$out/$1.png"; }
click() { xdotool mousemove --window "$window" "$1" "$2" click 1; }
start() {
    OPENCHAT_COLOR_SCHEME=$1 OPENCHAT_DATA_DIR="$work/data" "$openchat" >>"$work/openchat-$1.log" 2>&1 &
    app=$!
    until xdotool search --onlyvisible --name OpenChat >/dev/null 2>&1; do sleep 0.05; done
    window=$(xdotool search --name OpenChat | tail -1)
}
stop() { kill "$app"; wait "$app" 2>/dev/null || true; }
# Where the sidebar's "Notification settings…" and "Activity" are (a 1100×700 window, below
# the search field, the account and its buttons, the notifications checkbox and the filter).
settings=(184 183)
activity=(150 257)
for scheme in light dark; do
    start "$scheme"
    shoot "timeline-$scheme" 4
    click "${settings[@]}"
    shoot "settings-$scheme"
    stop
    start "$scheme"
    sleep 2
    click "${activity[@]}"
    shoot "activity-$scheme"
    stop
done
# Scrolled up on the first server, a look at the second and back: the same messages are on
# screen (where each timeline was scrolled to is kept); then up to the top, where older
# messages load above the one being read.
wheel() {
    xdotool mousemove --window "$window" 640 360
    for _ in $(seq "$2"); do xdotool click "$1"; sleep 0.05; done
}
start light
sleep 4
wheel 4 8
shoot scrolled-up
click 32 90
shoot scrolled-other
click 32 32
shoot scrolled-back
wheel 4 40
shoot scrolled-top 2
stop
# The servers go away: the window opens from the cache.
kill "${servers[@]}"
OPENCHAT_DATA_DIR="$work/data" "$openchat" >"$work/openchat-offline.log" 2>&1 &
pids+=($!)
until xdotool search --onlyvisible --name OpenChat >/dev/null 2>&1; do sleep 0.05; done
window=$(xdotool search --name OpenChat | tail -1)
shoot offline 3
# A click on the newest message's 👍 while offline: refused, and the sidebar says why.
click 340 607
shoot offline-reaction
