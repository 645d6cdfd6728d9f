#!/usr/bin/env bash
# OpenChat with five servers (docs/benchmarks.md, "Desktop client"): time until the window is
# mapped, RSS once signed in everywhere, and RSS with all 1,000 messages of one channel loaded;
# then, with the servers stopped, the same window opened from the offline cache.
#
#   cargo build -p ocomms-server && cargo build --release -p openchat
#   bash crates/desktop/bench/measure.sh        # from the repository root
#
# OPENCHAT=path/to/openchat measures another build.
#
# Needs Xvfb, xdotool and python3 (apt-get install xvfb xauth xdotool). Servers listen on
# 127.0.0.1:4721-4725 and the X display is :78; everything it starts is stopped at the end.
set -euo pipefail

target=${CARGO_TARGET_DIR:-target}
openchat=${OPENCHAT:-$target/release/openchat}
work=$(mktemp -d)
display=:78
pids=()
cleanup() {
    kill "${pids[@]}" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

Xvfb "$display" -screen 0 1280x800x24 >"$work/xvfb.log" 2>&1 &
pids+=($!)
urls=()
for n in 1 2 3 4 5; do
    "$target/debug/ocomms" serve --data-dir "$work/s$n" --listen "127.0.0.1:472$n" \
        >"$work/s$n.log" 2>&1 &
    pids+=($!)
    urls+=("http://127.0.0.1:472$n")
done
for url in "${urls[@]}"; do
    until curl -sf "$url/healthz" >/dev/null; do sleep 0.1; done
done
echo "seeding 5 servers × 1,000 messages…"
python3 "$(dirname "$0")/seed.py" "$work/data" 1000 "${urls[@]}"

export DISPLAY=$display
start=$(date +%s%N)
OPENCHAT_DATA_DIR="$work/data" "$openchat" >"$work/openchat.log" 2>&1 &
app=$!
pids+=($app)
until xdotool search --onlyvisible --name OpenChat >/dev/null 2>&1; do sleep 0.005; done
echo "window mapped: $(( ($(date +%s%N) - start) / 1000000 )) ms"
sleep 5
echo "RSS, 5 servers signed in, #general of each loaded: $(grep VmRSS "/proc/$app/status")"
# "Load older messages" sits at the top of the timeline: 50 more a click.
window=$(xdotool search --name OpenChat | tail -1)
for _ in $(seq 1 20); do
    xdotool mousemove --window "$window" 700 70 click 1
    sleep 0.5
done
sleep 1
echo "RSS, plus all 1,000 messages of the channel on screen: $(grep VmRSS "/proc/$app/status")"
echo "peak: $(grep VmHWM "/proc/$app/status")"
# SHOT=file.png: a screenshot of the end state, to check that the history was loaded.
if [[ -n "${SHOT:-}" ]]; then import -window root "$SHOT"; fi
# Again with every server down: the window opens from the offline cache (docs/adr/0021).
kill "$app"
wait "$app" 2>/dev/null || true
kill "${pids[@]:1}" 2>/dev/null || true
start=$(date +%s%N)
OPENCHAT_DATA_DIR="$work/data" "$openchat" >"$work/openchat-offline.log" 2>&1 &
app=$!
pids+=($app)
until xdotool search --onlyvisible --name OpenChat >/dev/null 2>&1; do sleep 0.005; done
echo "servers down, window mapped: $(( ($(date +%s%N) - start) / 1000000 )) ms"
sleep 3
echo "RSS, servers down, 5 servers shown from the cache: $(grep VmRSS "/proc/$app/status")"
if [[ -n "${SHOT:-}" ]]; then import -window root "${SHOT%.png}-offline.png"; fi
