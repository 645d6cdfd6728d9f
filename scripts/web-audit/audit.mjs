#!/usr/bin/env node
// Web UI audit of OComms: starts a fresh release server (scripts/bench-server sqlite), fills a
// workspace through the JSON API, signs in through the web form, then measures the pages with
// Lighthouse (performance, accessibility; mobile and desktop), axe-core (two viewports, light
// and dark) and the bytes of the conversation page's HTML, modules and CSS. Prints a Markdown
// report and writes it to --out. Exits non-zero only when a step of the script itself fails.
//
//   scripts/web-audit/run --bin target/release/ocomms [--port 4100] [--lighthouse-pages all]

import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs, promisify } from "node:util";
import zlib from "node:zlib";

import {
  code,
  comboText,
  groupViolations,
  kib,
  mdTable,
  moduleImports,
  ms,
  pageResources,
  sessionCookie,
  tags,
} from "./lib.mjs";

const execFileP = promisify(execFile);
const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, "../..");
const PASSWORD = "correct horse battery staple";
const CHROME_FLAGS = [
  "--headless=new",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const COMBOS = [
  { label: "1400×900 light", viewport: { width: 1400, height: 900 }, colorScheme: "light" },
  { label: "1400×900 dark", viewport: { width: 1400, height: 900 }, colorScheme: "dark" },
  { label: "400×800 light", viewport: { width: 400, height: 800 }, colorScheme: "light" },
  { label: "400×800 dark", viewport: { width: 400, height: 800 }, colorScheme: "dark" },
];
const COMBO_LABELS = COMBOS.map((c) => c.label);

const USAGE = `usage: node scripts/web-audit/audit.mjs --bin PATH [options]
  --bin PATH               release binary (default: $OCOMMS_BIN or target/release/ocomms)
  --port N                 port for the server (default: first free one in 4100-4199)
  --chrome PATH            Chromium (default: /usr/bin/chromium)
  --out FILE               Markdown report (default: /tmp/web-audit-report.md)
  --json FILE              all results as JSON (default: /tmp/web-audit-results.json)
  --lighthouse-dir DIR     Lighthouse JSON reports (default: /tmp/web-audit-lighthouse)
  --lighthouse-pages LIST  page keys, comma-separated, or "all" (default: signin,channel,dm,home)
  --skip-lighthouse, --skip-axe, --skip-sizes
  --from-json FILE         only rewrite the report from an earlier run's --json file
  -h, --help`;

const { values: opt } = parseArgs({
  options: {
    bin: { type: "string", default: process.env.OCOMMS_BIN || join(REPO, "target/release/ocomms") },
    port: { type: "string" },
    chrome: { type: "string", default: "/usr/bin/chromium" },
    out: { type: "string", default: "/tmp/web-audit-report.md" },
    json: { type: "string", default: "/tmp/web-audit-results.json" },
    "lighthouse-dir": { type: "string", default: "/tmp/web-audit-lighthouse" },
    "lighthouse-pages": { type: "string", default: "signin,channel,dm,home" },
    "skip-lighthouse": { type: "boolean", default: false },
    "skip-axe": { type: "boolean", default: false },
    "skip-sizes": { type: "boolean", default: false },
    "from-json": { type: "string" },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (opt.help) {
  console.log(USAGE);
  process.exit(0);
}

const log = (...a) => console.error(`[web-audit ${new Date().toISOString().slice(11, 19)}]`, ...a);

// ---------------------------------------------------------------------------------------------
// Clean-up of everything started here (server, browsers, temporary folders), also on Ctrl-C.

const cleanups = [];
async function cleanup() {
  while (cleanups.length) {
    const fn = cleanups.pop();
    try {
      await fn();
    } catch (e) {
      log("clean-up:", e.message);
    }
  }
}
for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, async () => {
    log(`${sig}: stopping`);
    await cleanup();
    process.exit(130);
  });
}

/** Step failures that do not stop the run; any of them makes the exit status 1. */
const stepErrors = [];
async function step(name, fn) {
  try {
    return await fn();
  } catch (e) {
    log(`FAILED ${name}:`, e.stack || e.message);
    stepErrors.push({ step: name, error: String(e.message || e).split("\n")[0].slice(0, 400) });
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Server

function portFree(port) {
  return new Promise((res) => {
    const srv = net.createServer();
    srv.once("error", () => res(false));
    srv.listen(port, "127.0.0.1", () => srv.close(() => res(true)));
  });
}

async function choosePort() {
  if (opt.port) {
    const port = Number(opt.port);
    if (!(await portFree(port))) throw new Error(`port ${port} is in use`);
    return port;
  }
  for (let port = 4100; port < 4200; port++) if (await portFree(port)) return port;
  throw new Error("no free port in 4100-4199");
}

const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function stopProcess(pid, what) {
  if (!alive(pid)) return;
  process.kill(pid, "SIGTERM");
  for (let i = 0; i < 100 && alive(pid); i++) await sleep(100);
  if (alive(pid)) {
    log(`${what} ${pid} ignored SIGTERM; SIGKILL`);
    process.kill(pid, "SIGKILL");
  }
}

async function startServer(bin, port) {
  if (!existsSync(bin)) throw new Error(`no server binary at ${bin} (pass --bin)`);
  const { stdout } = await execFileP(join(REPO, "scripts/bench-server"), ["sqlite", String(port)], {
    cwd: REPO,
    env: { ...process.env, OCOMMS_BIN: bin },
  });
  const pid = Number(stdout.trim().split("\n").pop());
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`bench-server printed no PID: ${stdout}`);
  let dataDir = null;
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    const i = argv.indexOf("--data-dir");
    if (i >= 0) dataDir = argv[i + 1];
  } catch {
    /* already gone: reported below */
  }
  cleanups.push(async () => {
    await stopProcess(pid, "server");
    log(`server ${pid} stopped`);
    if (dataDir && dataDir.startsWith(os.tmpdir()) && dataDir.includes("ocomms-bench.")) {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 150; i++) {
    if (!alive(pid)) break;
    try {
      const r = await fetch(`${base}/readyz`);
      if (r.ok) return { pid, base, dataDir, log: `/tmp/ocomms-bench-${port}.log` };
    } catch {
      /* not yet */
    }
    await sleep(200);
  }
  const tail = existsSync(`/tmp/ocomms-bench-${port}.log`)
    ? readFileSync(`/tmp/ocomms-bench-${port}.log`, "utf8").slice(-1500)
    : "";
  throw new Error(`server ${pid} did not become ready on ${base}\n${tail}`);
}

// ---------------------------------------------------------------------------------------------
// JSON API and seed data

let BASE = "";
let browserVersion = "?";

async function api(method, path, { token, body } = {}) {
  const headers = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(BASE + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text.slice(0, 300)}`);
  const data = text ? JSON.parse(text) : null;
  return { status: res.status, data };
}

const listOf = (d) => (Array.isArray(d) ? d : (d?.items ?? d?.members ?? d?.conversations ?? []));

/** The routes the seeding uses, checked against the server's own OpenAPI document. */
const NEEDED_ROUTES = [
  ["post", "/api/v1/accounts"],
  ["post", "/api/v1/workspaces"],
  ["get", "/api/v1/workspaces/{slug}/members"],
  ["post", "/api/v1/workspaces/{slug}/invitations"],
  ["post", "/api/v1/invitations/{token}/acceptance"],
  ["get", "/api/v1/workspaces/{slug}/channels"],
  ["post", "/api/v1/workspaces/{slug}/channels"],
  ["post", "/api/v1/workspaces/{slug}/dms"],
  ["post", "/api/v1/conversations/{id}/messages"],
  ["put", "/api/v1/messages/{id}/reactions/{emoji}"],
  ["put", "/api/v1/messages/{id}/pin"],
  ["patch", "/api/v1/me/profile"],
];

const MAIN_MESSAGES = [
  "Morning all! Kicking off the **release 0.9** checklist in this channel.",
  "Reminder: the _staging_ deploy is at 14:00 UTC. See [the runbook](https://example.com/runbook).",
  "Here is the config change:\n\n```toml\n[server]\nlisten = \"0.0.0.0:3000\"\nmax_connections = 10_000\n```",
  "Looks good 👍 — one nit: `max_connections` should come from the env.",
  "Checklist:\n- [x] migrations\n- [x] changelog\n- [ ] load test\n- [ ] docs",
  "مرحبا بالجميع! هل يعمل البحث باللغة العربية بشكل صحيح؟",
  "你好，世界！中文消息的换行和字体看起来怎么样？",
  "日本語のテストです。絵文字も入れます 🎌🍣",
  "> Quoting the spec: messages are ordered by `seq` within a conversation.\n\nSo gaps are fine.",
  "Numbered steps:\n1. build\n2. test\n3. ship 🚀",
  "A long one to check wrapping: " +
    "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. ".repeat(4),
  "A very long word: supercalifragilisticexpialidocious_supercalifragilisticexpialidocious_supercalifragilisticexpialidocious",
  "Rust snippet:\n\n```rust\nfn main() {\n    let greeting = \"héllo, wörld\";\n    println!(\"{greeting} 🦀\");\n}\n```",
  "Mixed direction: the word سلام means peace, and 和平 too.",
  "Emoji only: 🎉🎉🎉",
  "**Bold**, *italic*, ~~strike~~ and `code` in one line.",
  "Table time?\n\n| os | ok |\n| --- | --- |\n| linux | ✅ |\n| mac | ✅ |",
  "https://example.org/a/very/long/link/that/should/wrap/nicely/in/the/timeline?with=query&and=more",
  "Heads-up: I'll be offline tomorrow 🌴",
  "한국어 메시지도 하나 추가합니다. 잘 보이나요?",
];

const DM_MESSAGES = [
  "Hey Grace, got a minute for the audit? 🙂",
  "Sure — what do you need?",
  "Could you look at the contrast of the sidebar in dark mode?",
  "On it. Here's what I see:\n\n```css\n.sidebar { color: #8a8a8a; }\n```",
  "شكرا جزيلا!",
  "不客气 😄",
];

async function seed() {
  const spec = (await api("GET", "/api/v1/openapi.json")).data;
  const missing = NEEDED_ROUTES.filter(([m, p]) => !spec.paths?.[p]?.[m]);
  if (missing.length) {
    throw new Error(`the OpenAPI document lacks: ${missing.map(([m, p]) => `${m.toUpperCase()} ${p}`).join(", ")}`);
  }

  const ownerRes = await api("POST", "/api/v1/accounts", {
    body: { email: "ada@audit.example", password: PASSWORD, display_name: "Ada Lovelace" },
  });
  if (!ownerRes.data?.token) throw new Error(`first account got no token (status ${ownerRes.status})`);
  const owner = ownerRes.data;
  const t1 = owner.token;

  const ws = (await api("POST", "/api/v1/workspaces", { token: t1, body: { name: "Audit Workspace" } })).data;
  const slug = ws.slug;

  // A second person, by a shareable invitation link (sign-up is closed after the first account).
  const inv = (await api("POST", `/api/v1/workspaces/${slug}/invitations`, { token: t1, body: {} })).data;
  const secondRes = await api("POST", "/api/v1/accounts", {
    body: { email: "grace@audit.example", password: PASSWORD, display_name: "Grace Hopper", invitation_token: inv.token },
  });
  if (!secondRes.data?.token) throw new Error(`second account got no token (status ${secondRes.status})`);
  const second = secondRes.data;
  const t2 = second.token;
  const members = listOf((await api("GET", `/api/v1/workspaces/${slug}/members`, { token: t1 })).data);
  if (!members.some((m) => m.user_id === second.user.id)) {
    await api("POST", `/api/v1/invitations/${encodeURIComponent(inv.token)}/acceptance`, { token: t2 });
  }
  await step("profile", () =>
    api("PATCH", "/api/v1/me/profile", { token: t1, body: { title: "Analyst", bio: "Audits the **web UI** 🔍", time_zone: "Europe/London" } }),
  );

  const channels = listOf((await api("GET", `/api/v1/workspaces/${slug}/channels`, { token: t1 })).data);
  const general = channels.find((c) => c.is_general) ?? channels[0];
  const main = (
    await api("POST", `/api/v1/workspaces/${slug}/channels`, {
      token: t1,
      body: {
        name: "release-planning",
        topic: "Release 0.9 — checklist, dates and who does what 📋",
        description: "Where the next release is planned.",
        members: [second.user.id],
      },
    })
  ).data;
  const design = (
    await api("POST", `/api/v1/workspaces/${slug}/channels`, {
      token: t2,
      body: { name: "design", topic: "Colours, type and icons", private: true, members: [owner.user.id] },
    })
  ).data;
  const dm = (await api("POST", `/api/v1/workspaces/${slug}/dms`, { token: t1, body: { user_ids: [second.user.id] } })).data;

  const post = async (token, convId, body, extra = {}) =>
    (await api("POST", `/api/v1/conversations/${convId}/messages`, { token, body: { body, ...extra } })).data;

  const counts = { main: 0, dm: 0, other: 0 };
  const posted = [];
  for (let round = 0; round < 2; round++) {
    for (let i = 0; i < MAIN_MESSAGES.length; i++) {
      const token = (i + round) % 2 === 0 ? t1 : t2;
      const text = round === 0 ? MAIN_MESSAGES[i] : `(${round + 1}) ${MAIN_MESSAGES[i]}`;
      posted.push(await post(token, main.id, text));
      counts.main++;
    }
  }
  // A thread on an early message, one reply also sent to the channel.
  const root = posted[3];
  await post(t2, main.id, "Agreed, I'll move it to `OCOMMS_MAX_CONNECTIONS`.", { thread_root_id: root.id });
  await post(t1, main.id, "Thanks! 🙏", { thread_root_id: root.id });
  await post(t2, main.id, "Done in the latest commit — see the diff.", { thread_root_id: root.id, also_in_channel: true });
  counts.main += 3;
  // Reactions and a pin.
  const react = (token, id, emoji) =>
    api("PUT", `/api/v1/messages/${id}/reactions/${encodeURIComponent(emoji)}`, { token });
  await react(t1, posted[2].id, "👍");
  await react(t2, posted[2].id, "👍");
  await react(t2, posted[2].id, "tada");
  await react(t1, posted[posted.length - 1].id, "🚀");
  await api("PUT", `/api/v1/messages/${posted[1].id}/pin`, { token: t1 });
  // The last messages of the channel stay in view: end it with the code block and scripts.
  for (const [token, text] of [
    [t1, MAIN_MESSAGES[2]],
    [t2, MAIN_MESSAGES[5]],
    [t1, MAIN_MESSAGES[6]],
  ]) {
    await post(token, main.id, text);
    counts.main++;
  }
  for (let i = 0; i < DM_MESSAGES.length; i++) {
    await post(i % 2 === 0 ? t1 : t2, dm.id, DM_MESSAGES[i]);
    counts.dm++;
  }
  for (const [token, conv, text] of [
    [t1, general.id, "Welcome to the **Audit Workspace** 👋"],
    [t2, general.id, "Hi everyone!"],
    [t1, general.id, "Office hours are on Thursdays, 15:00–16:00 (UTC)."],
    [t2, general.id, "Füße, façade, naïve — accents render fine."],
    [t2, design.id, "Dark mode palette draft: `#1e1f22` / `#e6e6e6`."],
    [t1, design.id, "Looks calm 🌙"],
    [t2, design.id, "Icons: emoji for now, SVG later?"],
    [t1, design.id, "Fine by me."],
  ]) {
    await post(token, conv, text);
    counts.other++;
  }
  return {
    slug,
    owner: { email: "ada@audit.example", id: owner.user.id },
    second: { email: "grace@audit.example", id: second.user.id },
    main,
    design,
    general,
    dm,
    threadRoot: root.id,
    counts,
    messages: counts.main + counts.dm + counts.other,
  };
}

// ---------------------------------------------------------------------------------------------
// Web sign-in: the form, its hidden fields, the session cookie.

async function webSignIn(email) {
  const page = await fetch(`${BASE}/signin`);
  const html = await page.text();
  const form = html.match(/<form\b[^>]*action="\/signin"[^>]*>([\s\S]*?)<\/form>/i);
  if (!form) throw new Error("no sign-in form on /signin");
  const inputs = tags(form[1], "input").filter((a) => a.name);
  const names = inputs.map((a) => a.name);
  const emailField = names.find((n) => /email|username|login/i.test(n));
  const passwordField = inputs.find((a) => (a.type || "").toLowerCase() === "password")?.name;
  if (!emailField || !passwordField) throw new Error(`sign-in form fields not found: ${names.join(", ")}`);
  const body = new URLSearchParams();
  for (const a of inputs) if ((a.type || "").toLowerCase() === "hidden") body.set(a.name, a.value ?? "");
  body.set(emailField, email);
  body.set(passwordField, PASSWORD);
  const preCookie = sessionCookie(page.headers.getSetCookie());
  const res = await fetch(`${BASE}/signin`, {
    method: "POST",
    redirect: "manual",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      origin: BASE,
      ...(preCookie ? { cookie: preCookie } : {}),
    },
    body,
  });
  const cookie = sessionCookie(res.headers.getSetCookie());
  if (!cookie) throw new Error(`POST /signin → ${res.status} set no cookie`);
  return { cookie, fields: names, status: res.status, location: res.headers.get("location") };
}

// ---------------------------------------------------------------------------------------------
// Lighthouse

async function lighthouseRun(lighthouse, desktopConfig, chromeLauncher, page, formFactor, cookie) {
  const userDataDir = mkdtempSync(join(os.tmpdir(), "web-audit-lh-"));
  const chrome = await chromeLauncher.launch({
    chromePath: opt.chrome,
    chromeFlags: CHROME_FLAGS,
    userDataDir,
    logLevel: "silent",
  });
  const stop = async () => {
    await chrome.kill();
    rmSync(userDataDir, { recursive: true, force: true });
  };
  cleanups.push(stop);
  try {
    const flags = {
      port: chrome.port,
      output: "json",
      logLevel: "error",
      onlyCategories: ["performance", "accessibility"],
      ...(page.signedIn ? { extraHeaders: { Cookie: cookie } } : {}),
    };
    const result = await lighthouse(page.url, flags, formFactor === "desktop" ? desktopConfig : undefined);
    return result.lhr;
  } finally {
    if (cleanups.includes(stop)) cleanups.splice(cleanups.indexOf(stop), 1);
    await stop();
  }
}

function summariseLhr(lhr, page, formFactor) {
  const cat = (id) => lhr.categories[id];
  const score = (id) => (cat(id)?.score === null || cat(id)?.score === undefined ? null : Math.round(cat(id).score * 100));
  const num = (id) => lhr.audits[id]?.numericValue;
  const failing = (catId, threshold) =>
    (cat(catId)?.auditRefs ?? [])
      .map((ref) => ({ ref, audit: lhr.audits[ref.id] }))
      .filter(
        ({ audit }) =>
          audit &&
          audit.score !== null &&
          audit.score < threshold &&
          ["binary", "numeric", "metricSavings"].includes(audit.scoreDisplayMode),
      );
  const a11yFailing = failing("accessibility", 1).map(({ ref, audit }) => ({
    id: audit.id,
    title: audit.title,
    weight: ref.weight,
    items: (audit.details?.items ?? []).map((it) => ({
      selector: it.node?.selector ?? "",
      snippet: it.node?.snippet ?? "",
      label: it.node?.nodeLabel ?? "",
      explanation: it.node?.explanation ?? "",
    })),
  }));
  const perfFailing = failing("performance", 0.9)
    .filter(({ ref }) => ref.group !== "metrics")
    .map(({ audit }) => ({ id: audit.id, title: audit.title, displayValue: audit.displayValue ?? "", score: audit.score }));
  return {
    page: page.key,
    path: page.path,
    formFactor,
    requestedUrl: lhr.requestedUrl,
    finalUrl: lhr.finalDisplayedUrl ?? lhr.finalUrl,
    performance: score("performance"),
    accessibility: score("accessibility"),
    metrics: {
      fcp: num("first-contentful-paint"),
      lcp: num("largest-contentful-paint"),
      tbt: num("total-blocking-time"),
      cls: num("cumulative-layout-shift"),
      si: num("speed-index"),
    },
    a11yFailing,
    perfFailing,
    erroredAudits: Object.values(lhr.audits)
      .filter((a) => a.scoreDisplayMode === "error")
      .map((a) => ({ id: a.id, error: (a.errorMessage ?? "").slice(0, 200) })),
    runtimeError: lhr.runtimeError?.message ?? null,
    runWarnings: lhr.runWarnings ?? [],
    lighthouseVersion: lhr.lighthouseVersion,
    userAgent: lhr.environment?.hostUserAgent,
  };
}

async function runLighthouse(pages, cookie) {
  const { default: lighthouse } = await import("lighthouse");
  const { default: desktopConfig } = await import("lighthouse/core/config/desktop-config.js");
  const chromeLauncher = await import("chrome-launcher");
  mkdirSync(opt["lighthouse-dir"], { recursive: true });
  const out = [];
  for (const page of pages) {
    for (const formFactor of ["mobile", "desktop"]) {
      const r = await step(`lighthouse ${page.key} ${formFactor}`, async () => {
        log(`lighthouse ${formFactor} ${page.path}`);
        const lhr = await lighthouseRun(lighthouse, desktopConfig, chromeLauncher, page, formFactor, cookie);
        writeFileSync(join(opt["lighthouse-dir"], `${page.key}-${formFactor}.json`), JSON.stringify(lhr));
        return summariseLhr(lhr, page, formFactor);
      });
      if (r) out.push(r);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// axe-core in Playwright

async function launchBrowser() {
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({ executablePath: opt.chrome, args: CHROME_FLAGS, headless: true });
  browserVersion = `Chromium ${browser.version()}`;
  const close = () => browser.close();
  cleanups.push(close);
  return {
    browser,
    async done() {
      if (cleanups.includes(close)) cleanups.splice(cleanups.indexOf(close), 1);
      await browser.close();
    },
  };
}

async function newContext(browser, combo, cookie) {
  const context = await browser.newContext({ viewport: combo.viewport, colorScheme: combo.colorScheme });
  if (cookie) {
    const [name, ...rest] = cookie.split("=");
    await context.addCookies([{ name, value: rest.join("="), url: BASE, httpOnly: true, sameSite: "Lax" }]);
  }
  return context;
}

async function settle(page) {
  await page.waitForLoadState("networkidle", { timeout: 5000 }).catch(() => {});
  await page.evaluate(() => document.fonts?.ready).catch(() => {});
  await sleep(300);
}

async function runAxe(pages, cookie) {
  const axeSource = readFileSync(join(HERE, "node_modules/axe-core/axe.min.js"), "utf8");
  const { browser, done } = await launchBrowser();
  const runs = [];
  const jsErrors = [];
  try {
    for (const combo of COMBOS) {
      const signedIn = await newContext(browser, combo, cookie);
      const signedOut = await newContext(browser, combo, null);
      try {
        for (const p of pages) {
          await step(`axe ${p.key} ${combo.label}`, async () => {
            const page = await (p.signedIn ? signedIn : signedOut).newPage();
            const errors = [];
            page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
            page.on("console", (m) => {
              if (m.type() === "error") errors.push(`console: ${m.text()}`);
            });
            try {
              const resp = await page.goto(p.url, { waitUntil: "load", timeout: 30000 });
              await settle(page);
              const finalPath = new URL(page.url()).pathname;
              const colours = await page.evaluate(() => {
                const cs = getComputedStyle(document.body);
                return { background: cs.backgroundColor, text: cs.color, darkQuery: matchMedia("(prefers-color-scheme: dark)").matches };
              });
              await page.evaluate(axeSource);
              const result = await page.evaluate(() =>
                window.axe.run(document, { resultTypes: ["violations", "incomplete"] }),
              );
              runs.push({
                page: p.key,
                path: p.path,
                combo: combo.label,
                status: resp?.status() ?? null,
                finalPath,
                violations: result.violations,
                incomplete: result.incomplete.map((r) => ({
                  id: r.id,
                  impact: r.impact,
                  help: r.help,
                  nodes: r.nodes.length,
                  targets: r.nodes.map((n) => ({
                    selector: n.target.map((t) => (Array.isArray(t) ? t.join(" >>> ") : t)).join(" | "),
                    reason: (n.any || []).map((c) => c.message).filter(Boolean)[0] ?? "",
                  })),
                })),
                colours,
                axeVersion: result.testEngine?.version,
              });
              for (const e of errors) jsErrors.push({ page: p.key, combo: combo.label, error: e.slice(0, 300) });
            } finally {
              await page.close();
            }
          });
        }
      } finally {
        await signedIn.close();
        await signedOut.close();
      }
      log(`axe ${combo.label}: done`);
    }
  } finally {
    await done();
  }
  return { runs, jsErrors };
}

/** The requests the conversation page makes while loading, as the browser saw them. */
async function networkOfPage(url, cookie) {
  const { browser, done } = await launchBrowser();
  try {
    const context = await newContext(browser, COMBOS[0], cookie);
    const page = await context.newPage();
    const seen = [];
    page.on("requestfinished", async (req) => {
      const resp = await req.response();
      const sizes = await req.sizes().catch(() => null);
      seen.push({
        url: req.url(),
        type: req.resourceType(),
        status: resp?.status() ?? null,
        encoding: (await resp?.allHeaders().catch(() => ({})))?.["content-encoding"] ?? "",
        bodyBytes: sizes?.responseBodySize ?? null,
        headerBytes: sizes?.responseHeadersSize ?? null,
      });
    });
    page.on("websocket", (ws) => seen.push({ url: ws.url(), type: "websocket", status: 101, encoding: "", bodyBytes: null }));
    await page.goto(url, { waitUntil: "load" });
    await settle(page);
    await sleep(500);
    await context.close();
    return seen;
  } finally {
    await done();
  }
}

/**
 * Layout shifts while the page loads, seen by a PerformanceObserver registered before any of
 * the page's code runs: each shift's value and the elements that moved (with their boxes
 * before and after). Lighthouse 12's own `layout-shifts` audit cannot say which elements
 * moved with this Chromium, so this names them. Run without and with 4× CPU slowdown, since
 * whether the page's scripts change the layout before or after the first paint depends on
 * timing.
 */
const SHIFT_OBSERVER = `(() => {
  const describe = (n) => {
    if (!n || n.nodeType !== 1) return n ? (n.nodeName || "?") : "(removed node)";
    const parts = [];
    for (let el = n; el && el.nodeType === 1 && parts.length < 4; el = el.parentElement) {
      let p = el.localName;
      if (el.id) { parts.unshift(p + "#" + el.id); break; }
      if (el.classList.length) p += "." + [...el.classList].slice(0, 2).join(".");
      parts.unshift(p);
    }
    return parts.join(" > ");
  };
  const box = (r) => r ? Math.round(r.x) + "," + Math.round(r.y) + " " + Math.round(r.width) + "×" + Math.round(r.height) : "";
  window.__shifts = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      window.__shifts.push({
        t: Math.round(e.startTime),
        value: e.value,
        hadRecentInput: e.hadRecentInput,
        sources: (e.sources || []).map((s) => ({ node: describe(s.node), from: box(s.previousRect), to: box(s.currentRect) })),
      });
    }
  }).observe({ type: "layout-shift", buffered: true });
})();`;

async function layoutShifts(url, cookie) {
  const { browser, done } = await launchBrowser();
  const out = [];
  try {
    for (const combo of [COMBOS[0], COMBOS[2]]) {
      for (const slowdown of [1, 4]) {
        const context = await newContext(browser, combo, cookie);
        try {
          const page = await context.newPage();
          await page.addInitScript(SHIFT_OBSERVER);
          if (slowdown > 1) {
            const cdp = await context.newCDPSession(page);
            await cdp.send("Emulation.setCPUThrottlingRate", { rate: slowdown });
          }
          await page.goto(url, { waitUntil: "load" });
          await settle(page);
          await sleep(1000);
          const entries = await page.evaluate(() => window.__shifts);
          const counted = entries.filter((e) => !e.hadRecentInput);
          out.push({
            viewport: combo.label.split(" ")[0],
            slowdown,
            total: counted.reduce((n, e) => n + e.value, 0),
            entries: counted,
          });
        } finally {
          await context.close();
        }
      }
    }
    return out;
  } finally {
    await done();
  }
}

// ---------------------------------------------------------------------------------------------
// Sizes

function rawGet(url, headers) {
  return new Promise((res, rej) => {
    const req = http.get(url, { headers }, (resp) => {
      const chunks = [];
      resp.on("data", (c) => chunks.push(c));
      resp.on("end", () => res({ status: resp.statusCode, headers: resp.headers, body: Buffer.concat(chunks) }));
      resp.on("error", rej);
    });
    req.on("error", rej);
    req.setTimeout(30000, () => req.destroy(new Error(`timeout: ${url}`)));
  });
}

const BROWSER_AE = "gzip, deflate, br, zstd";

async function measure(url, cookie, kind, via) {
  const h = cookie ? { cookie } : {};
  const plain = await rawGet(url, { ...h, "accept-encoding": "identity" });
  if (plain.status !== 200) throw new Error(`GET ${url} → ${plain.status}`);
  const gz = await rawGet(url, { ...h, "accept-encoding": "gzip" });
  const br = await rawGet(url, { ...h, "accept-encoding": BROWSER_AE });
  return {
    url,
    path: new URL(url).pathname,
    kind,
    via,
    bytes: plain.body.length,
    gzip9: zlib.gzipSync(plain.body, { level: 9 }).length,
    brotli11: zlib.brotliCompressSync(plain.body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
    serverGzip: { encoding: gz.headers["content-encoding"] ?? "identity", bytes: gz.body.length },
    serverBrowser: { encoding: br.headers["content-encoding"] ?? "identity", bytes: br.body.length },
    cacheControl: plain.headers["cache-control"] ?? "",
    contentType: plain.headers["content-type"] ?? "",
    body: plain.body,
  };
}

async function sizesOf(pageUrl, cookie) {
  const html = await measure(pageUrl, cookie, "html", "");
  writeFileSync("/tmp/web-audit-conversation.html", html.body);
  const res = pageResources(html.body.toString("utf8"), pageUrl);
  const origin = new URL(pageUrl).origin;
  const items = [html];
  const seen = new Set();
  const dynamic = [];
  const queue = [...res.modules.map((u) => ({ url: u, via: "<script type=module>" })), ...res.preloads.map((u) => ({ url: u, via: "modulepreload" }))];
  while (queue.length) {
    const { url, via } = queue.shift();
    if (seen.has(url)) continue;
    seen.add(url);
    if (new URL(url).origin !== origin) {
      items.push({ url, path: url, kind: "js (other origin, not fetched)", via, bytes: null });
      continue;
    }
    const m = await measure(url, cookie, "js", via);
    items.push(m);
    const imports = moduleImports(m.body.toString("utf8"));
    for (const s of imports.static) queue.push({ url: new URL(s, url).href, via: `import in ${m.path}` });
    for (const s of imports.dynamic) dynamic.push({ url: new URL(s, url).href, via: `import() in ${m.path}` });
  }
  for (const d of dynamic) {
    if (seen.has(d.url)) continue;
    seen.add(d.url);
    items.push({ ...(await measure(d.url, cookie, "js (dynamic import)", d.via)) });
  }
  const cssQueue = res.styles.map((u) => ({ url: u, via: "<link rel=stylesheet>" }));
  while (cssQueue.length) {
    const { url, via } = cssQueue.shift();
    if (seen.has(url)) continue;
    seen.add(url);
    const m = await measure(url, cookie, "css", via);
    items.push(m);
    for (const im of m.body.toString("utf8").matchAll(/@import\s+(?:url\()?\s*["']?([^"')\s;]+)/g)) {
      cssQueue.push({ url: new URL(im[1], url).href, via: `@import in ${m.path}` });
    }
  }
  for (const u of res.classic) items.push(await measure(u, cookie, "js (classic)", "<script src>"));
  for (const it of items) delete it.body;
  return items;
}

// ---------------------------------------------------------------------------------------------
// Report

function gitInfo() {
  return Promise.all([
    execFileP("git", ["-C", REPO, "rev-parse", "--short", "HEAD"]).then((r) => r.stdout.trim(), () => "?"),
    execFileP("git", ["-C", REPO, "status", "--porcelain", "--untracked-files=no"]).then(
      (r) => r.stdout.split("\n").filter(Boolean).length,
      () => "?",
    ),
  ]);
}

function report(ctx) {
  const L = [];
  const { meta, seed, pages, lighthouse, axe, sizes, network } = ctx;
  L.push("# OComms web audit", "");
  L.push(
    mdTable(
      ["", ""],
      [
        ["date (UTC)", meta.date],
        ["git", `${meta.git} (${meta.dirty} tracked files modified in the work tree)`],
        ["binary", `${code(meta.bin)}, ${meta.binBytes?.toLocaleString("en-US")} bytes, built ${meta.binTime}`],
        ["server", `${meta.base} (scripts/bench-server sqlite, fresh data folder)`],
        ["browser", `${meta.browser} (${code(opt.chrome)})`],
        ["tools", `lighthouse ${meta.versions.lighthouse}, axe-core ${meta.versions["axe-core"]}, playwright-core ${meta.versions["playwright-core"]}, chrome-launcher ${meta.versions["chrome-launcher"]}, node ${process.versions.node}`],
        ["machine", `${os.cpus().length} cores; load average at start ${meta.loadStart}, at end ${meta.loadEnd}`],
      ],
    ),
    "",
  );
  if (seed) {
    L.push(
      `Seed data: workspace \`${seed.slug}\`, 2 people (${seed.owner.email} signed in for the pages, ${seed.second.email}), ` +
        `channels #${seed.general.name}, #${seed.main.name} (the conversation page: ${seed.counts.main} messages incl. a 3-reply thread, reactions and a pin), ` +
        `private #${seed.design.name}, one DM (${seed.counts.dm} messages); ${seed.messages} messages in all with Markdown, code blocks, a table, emoji, Arabic, CJK and Korean text.`,
      "",
    );
    L.push(mdTable(["page key", "path", "signed in"], pages.map((p) => [p.key, code(p.path), p.signedIn ? "yes" : "no"])), "");
  }
  if (ctx.signIn) {
    L.push(`Web session: \`POST /signin\` (form fields ${ctx.signIn.fields.map(code).join(", ")}) → ${ctx.signIn.status} to ${code(ctx.signIn.location)}, cookie \`${ctx.signIn.cookie.split("=")[0]}\`.`, "");
  }

  if (stepErrors.length) {
    L.push("## Script errors", "", mdTable(["step", "error"], stepErrors.map((e) => [e.step, e.error])), "");
  }

  // Lighthouse
  if (lighthouse) {
    L.push("## Lighthouse", "");
    L.push(
      "Mobile = Lighthouse default (simulated Moto G Power, slow 4G, 4× CPU slowdown); desktop = `desktop-config` (the `--preset=desktop` settings). Scores ×100.",
      "",
    );
    L.push(
      mdTable(
        ["page", "form factor", "performance", "accessibility", "FCP", "LCP", "TBT", "CLS", "Speed Index", "final URL"],
        lighthouse.map((r) => [
          r.page,
          r.formFactor,
          r.performance ?? "–",
          r.accessibility ?? "–",
          ms(r.metrics.fcp),
          ms(r.metrics.lcp),
          ms(r.metrics.tbt),
          r.metrics.cls === undefined ? "–" : r.metrics.cls.toFixed(3),
          ms(r.metrics.si),
          code(new URL(r.finalUrl || r.requestedUrl).pathname),
        ]),
      ),
      "",
    );
    const errs = lighthouse.filter((r) => r.runtimeError || r.runWarnings.length);
    if (errs.length) {
      L.push("Lighthouse warnings:", "");
      for (const r of errs) for (const w of [r.runtimeError, ...r.runWarnings].filter(Boolean)) L.push(`- ${r.page} ${r.formFactor}: ${w}`);
      L.push("");
    }
    const errored = new Map();
    for (const r of lighthouse) {
      for (const a of r.erroredAudits ?? []) {
        if (!errored.has(a.id)) errored.set(a.id, { error: a.error, runs: 0 });
        errored.get(a.id).runs++;
      }
    }
    if (errored.size) {
      L.push(`Lighthouse audits that could not run (no score; Lighthouse ${lighthouse[0].lighthouseVersion} with this Chromium):`, "");
      L.push(mdTable(["audit", "runs", "error"], [...errored.entries()].map(([id, v]) => [code(id), `${v.runs} of ${lighthouse.length}`, v.error])), "");
    }
    L.push("### Failing Lighthouse accessibility audits", "");
    const rows = [];
    for (const r of lighthouse) {
      for (const a of r.a11yFailing) {
        const sel = a.items.length ? a.items.map((i) => code(i.selector || i.snippet)).join("<br>") : "(page)";
        rows.push([r.page, r.formFactor, code(a.id), a.title, a.weight, sel]);
      }
    }
    L.push(rows.length ? mdTable(["page", "form factor", "audit", "title", "weight", "selectors"], rows) : "None: every weighted accessibility audit passed.", "");
    L.push("### Performance audits scoring below 0.9", "");
    L.push("Per page: Lighthouse's value (mobile run), then the score in the mobile / desktop run (– where it scored 0.9 or more).", "");
    const perf = new Map();
    for (const r of lighthouse) {
      for (const a of r.perfFailing) {
        if (!perf.has(a.id)) perf.set(a.id, { title: a.title, pages: new Map() });
        const pg = perf.get(a.id).pages;
        if (!pg.has(r.page)) pg.set(r.page, { value: "", mobile: "–", desktop: "–" });
        const e = pg.get(r.page);
        e[r.formFactor] = a.score;
        if (!e.value || r.formFactor === "mobile") e.value = a.displayValue.replace(/^Potential savings of /, "saves ");
      }
    }
    const prow = [...perf.entries()].map(([id, v]) => [
      code(id),
      v.title,
      [...v.pages.entries()].map(([page, e]) => `${page}: ${e.value} (${e.mobile} / ${e.desktop})`).join("<br>"),
    ]);
    L.push(prow.length ? mdTable(["audit", "title", "pages: value (mobile / desktop score)"], prow) : "None.", "");
  }

  // axe
  if (axe) {
    L.push("## axe-core", "");
    L.push(
      `axe-core ${axe.runs[0]?.axeVersion ?? "?"}, all rules except experimental ones (WCAG 2.0/2.1/2.2 A and AA and best practices), run in the page after load; viewports 1400×900 and 400×800, \`prefers-color-scheme\` light and dark.`,
      "",
    );
    const byPage = new Map();
    for (const r of axe.runs) {
      if (!byPage.has(r.page)) byPage.set(r.page, {});
      byPage.get(r.page)[r.combo] = r;
    }
    const cnt = (r) => (r ? `${r.violations.length} (${r.violations.reduce((n, v) => n + v.nodes.length, 0)} nodes)` : "–");
    L.push("Violations per run: rules (nodes).", "");
    L.push(
      mdTable(
        ["page", ...COMBO_LABELS, "HTTP status / final path"],
        pages.map((p) => {
          const g = byPage.get(p.key) ?? {};
          const any = Object.values(g)[0];
          return [p.key, ...COMBO_LABELS.map((c) => cnt(g[c])), any ? `${any.status} ${code(any.finalPath)}` : "–"];
        }),
      ),
      "",
    );
    const grouped = groupViolations(axe.runs, COMBO_LABELS);
    L.push("### Violations (critical and serious first)", "");
    if (!grouped.length) L.push("None.", "");
    else {
      L.push(
        mdTable(
          ["impact", "rule", "help", "page", "where", "targets"],
          grouped.map((g) => [
            g.impact,
            code(g.id),
            g.help,
            g.page,
            comboText(g.combos, COMBO_LABELS),
            g.targets
              .map((t) => {
                const where = t.combos.length === g.combos.length ? "" : ` (${comboText(t.combos, COMBO_LABELS)})`;
                const detail = t.detail.length ? ` — ${t.detail.join("; ")}` : "";
                return `${code(t.selector)}${where}${detail}`;
              })
              .join("<br>"),
          ]),
        ),
        "",
      );
    }
    const inc = new Map();
    for (const r of axe.runs) {
      for (const i of r.incomplete) {
        for (const t of i.targets) {
          const k = `${i.id}\u0000${r.page}\u0000${t.selector}`;
          if (!inc.has(k)) inc.set(k, { id: i.id, page: r.page, selector: t.selector, reasons: new Set(), combos: [] });
          inc.get(k).combos.push(r.combo);
          if (t.reason) inc.get(k).reasons.add(t.reason);
        }
      }
    }
    if (inc.size) {
      L.push("### Needs review (axe `incomplete`: axe could not decide; not failures)", "");
      L.push(
        mdTable(
          ["rule", "page", "target", "where", "axe's reason"],
          [...inc.values()].map((v) => [code(v.id), v.page, code(v.selector), comboText(v.combos, COMBO_LABELS), [...v.reasons].join("; ")]),
        ),
        "",
      );
    }
    const schemes = new Map();
    for (const r of axe.runs) {
      if (!r.colours) continue;
      const k = r.combo;
      if (!schemes.has(k)) schemes.set(k, new Set());
      schemes.get(k).add(`${r.colours.text} on ${r.colours.background}${r.colours.darkQuery ? " (dark query matches)" : ""}`);
    }
    L.push("Body text on background per run (a check that the colour scheme took effect):", "");
    L.push(mdTable(["run", "computed body colours (all pages)"], [...schemes.entries()].map(([k, v]) => [k, [...v].join("<br>")])), "");
    if (axe.jsErrors.length) {
      const seenErr = new Map();
      for (const e of axe.jsErrors) {
        const k = `${e.page}\u0000${e.error}`;
        if (!seenErr.has(k)) seenErr.set(k, { ...e, combos: [] });
        seenErr.get(k).combos.push(e.combo);
      }
      L.push("### Browser console errors during the axe runs", "");
      L.push(mdTable(["page", "where", "error"], [...seenErr.values()].map((e) => [e.page, comboText(e.combos, COMBO_LABELS), code(e.error)])), "");
    }
  }

  // Sizes
  if (sizes) {
    L.push("## Sizes of the conversation page", "");
    L.push(
      `${code(sizes.path)} as the signed-in user. \`bytes\`: the body as served with \`Accept-Encoding: identity\`; \`gzip -9\`/\`brotli 11\`: that body compressed here; \`server, gzip\`: what the server sends for \`Accept-Encoding: gzip\`; \`server, browser\`: for \`${BROWSER_AE}\`.`,
      "",
    );
    const row = (it) => [
      code(it.path),
      it.kind,
      it.via,
      kib(it.bytes),
      kib(it.gzip9),
      kib(it.brotli11),
      it.serverGzip ? `${it.serverGzip.encoding}, ${it.serverGzip.bytes.toLocaleString("en-US")}` : "–",
      it.serverBrowser ? `${it.serverBrowser.encoding}, ${it.serverBrowser.bytes.toLocaleString("en-US")}` : "–",
      code(it.cacheControl || "(none)"),
    ];
    const sum = (list, f) => list.reduce((n, it) => n + (f(it) ?? 0), 0);
    const total = (label, list) => [
      `**${label}**`,
      "",
      "",
      kib(sum(list, (i) => i.bytes)),
      kib(sum(list, (i) => i.gzip9)),
      kib(sum(list, (i) => i.brotli11)),
      sum(list, (i) => i.serverGzip?.bytes).toLocaleString("en-US"),
      sum(list, (i) => i.serverBrowser?.bytes).toLocaleString("en-US"),
      "",
    ];
    const js = sizes.items.filter((i) => i.kind === "js");
    const css = sizes.items.filter((i) => i.kind === "css");
    const html = sizes.items.filter((i) => i.kind === "html");
    const initial = [...html, ...js, ...css];
    L.push(
      mdTable(
        ["resource", "kind", "loaded by", "bytes", "gzip -9", "brotli 11", "server, gzip", "server, browser", "cache-control"],
        [
          ...sizes.items.map(row),
          total("JS (static graph)", js),
          total("CSS", css),
          total("HTML + JS + CSS", initial),
        ],
      ),
      "",
    );
  }
  if (network) {
    L.push("### Requests the conversation page made while loading (Chromium, 1400×900)", "");
    L.push(
      mdTable(
        ["url", "type", "status", "content-encoding", "body bytes on the wire"],
        network.map((n) => [code(n.url.replace(BASE, "")), n.type, n.status ?? "", n.encoding || "–", n.bodyBytes ?? "–"]),
      ),
      "",
    );
  }
  if (ctx.shifts) {
    L.push("### Layout shifts while the conversation page loads (PerformanceObserver, Chromium, light)", "");
    L.push(
      "Sum of all `layout-shift` entries without recent input (no session windows, so it can exceed Lighthouse's CLS); each shift with the elements that moved (box before → after: x,y w×h).",
      "",
    );
    const rows = [];
    for (const s of ctx.shifts) {
      const detail = s.entries
        .map((e) => `${e.t} ms: ${e.value.toFixed(3)} — ${e.sources.map((x) => `${code(x.node)} ${x.from} → ${x.to}`).join("; ")}`)
        .join("<br>");
      rows.push([s.viewport, `${s.slowdown}×`, s.total.toFixed(3), detail || "none"]);
    }
    L.push(mdTable(["viewport", "CPU slowdown", "sum", "shifts"], rows), "");
  }
  L.push("Raw results: `" + opt.json + "`; Lighthouse JSON: `" + opt["lighthouse-dir"] + "/`.", "");
  return L.join("\n");
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const started = new Date();
  const loadStart = os.loadavg().map((n) => n.toFixed(2)).join(" ");
  const bin = resolve(opt.bin);
  const versions = {};
  for (const p of ["lighthouse", "axe-core", "playwright-core", "chrome-launcher"]) {
    versions[p] = JSON.parse(readFileSync(join(HERE, "node_modules", p, "package.json"), "utf8")).version;
  }
  if (!existsSync(opt.chrome)) throw new Error(`no Chromium at ${opt.chrome}`);

  const port = await choosePort();
  log(`starting ${bin} on port ${port}`);
  const server = await startServer(bin, port);
  BASE = server.base;
  log(`server ${server.pid} ready at ${BASE}`);

  log("seeding");
  const seedData = await seed();
  const signIn = await webSignIn(seedData.owner.email);
  const check = await fetch(`${BASE}/w/${seedData.slug}`, { headers: { cookie: signIn.cookie }, redirect: "manual" });
  if (check.status !== 200) throw new Error(`the session cookie does not open /w/${seedData.slug}: ${check.status}`);

  const s = seedData.slug;
  const pages = [
    { key: "signin", path: "/signin", signedIn: false },
    { key: "home", path: `/w/${s}`, signedIn: true },
    { key: "channel", path: `/w/${s}/c/${seedData.main.id}`, signedIn: true },
    { key: "dm", path: `/w/${s}/c/${seedData.dm.id}`, signedIn: true },
    { key: "thread", path: `/w/${s}/c/${seedData.main.id}/t/${seedData.threadRoot}`, signedIn: true },
    { key: "threads", path: `/w/${s}/threads`, signedIn: true },
    { key: "channels", path: `/w/${s}/channels`, signedIn: true },
    { key: "members", path: `/w/${s}/members`, signedIn: true },
    { key: "profile", path: "/profile", signedIn: true },
    { key: "account", path: "/account", signedIn: true },
    { key: "settings", path: `/w/${s}/c/${seedData.main.id}/settings`, signedIn: true },
  ].map((p) => ({ ...p, url: BASE + p.path }));
  for (const p of pages) {
    await step(`GET ${p.path}`, async () => {
      const r = await fetch(p.url, { headers: p.signedIn ? { cookie: signIn.cookie } : {}, redirect: "manual" });
      if (r.status !== 200) throw new Error(`GET ${p.path} → ${r.status} ${r.headers.get("location") ?? ""}`);
    });
  }

  const ctx = { seed: seedData, pages, signIn };
  if (!opt["skip-sizes"]) {
    const channel = pages.find((p) => p.key === "channel");
    ctx.sizes = await step("sizes", async () => ({ path: channel.path, items: await sizesOf(channel.url, signIn.cookie) }));
    ctx.network = await step("network", () => networkOfPage(channel.url, signIn.cookie));
    ctx.shifts = await step("layout shifts", () => layoutShifts(channel.url, signIn.cookie));
  }
  if (!opt["skip-axe"]) ctx.axe = await step("axe", () => runAxe(pages, signIn.cookie));
  if (!opt["skip-lighthouse"]) {
    const wanted = opt["lighthouse-pages"] === "all" ? pages.map((p) => p.key) : opt["lighthouse-pages"].split(",").map((k) => k.trim());
    const unknown = wanted.filter((k) => !pages.some((p) => p.key === k));
    if (unknown.length) throw new Error(`unknown --lighthouse-pages: ${unknown.join(", ")}`);
    ctx.lighthouse = await runLighthouse(pages.filter((p) => wanted.includes(p.key)), signIn.cookie);
  }

  const [git, dirty] = await gitInfo();
  const st = statSync(bin);
  ctx.meta = {
    date: started.toISOString().replace("T", " ").slice(0, 16),
    git,
    dirty,
    bin,
    binBytes: st.size,
    binTime: st.mtime.toISOString().replace("T", " ").slice(0, 16),
    base: BASE,
    browser: browserVersion !== "?" ? browserVersion : (ctx.lighthouse?.[0]?.userAgent ?? "?"),
    versions,
    loadStart,
    loadEnd: os.loadavg().map((n) => n.toFixed(2)).join(" "),
  };
  const md = report(ctx);
  writeFileSync(opt.out, md + "\n");
  writeFileSync(opt.json, JSON.stringify({ ...ctx, stepErrors }, null, 1));
  process.stdout.write(md + "\n");
  log(`report written to ${opt.out}`);
}

/** The report again from an earlier run's results, without measuring anything. */
function fromJson(file) {
  const ctx = JSON.parse(readFileSync(file, "utf8"));
  stepErrors.push(...(ctx.stepErrors ?? []));
  BASE = ctx.meta.base;
  const md = report(ctx);
  writeFileSync(opt.out, md + "\n");
  process.stdout.write(md + "\n");
}

let status = 0;
try {
  if (opt["from-json"]) fromJson(opt["from-json"]);
  else await main();
  if (stepErrors.length) status = 1;
} catch (e) {
  log("error:", e.stack || e.message);
  status = 1;
} finally {
  await cleanup();
}
process.exit(status);
