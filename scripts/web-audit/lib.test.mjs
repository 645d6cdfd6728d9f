// node --test scripts/web-audit/
import assert from "node:assert/strict";
import { test } from "node:test";

import { comboText, groupViolations, mdTable, moduleImports, pageResources, sessionCookie, stripComments } from "./lib.mjs";

test("page resources: module scripts, style sheets, preloads, attribute order and quoting", () => {
  const html = `<!doctype html><head>
    <link rel="stylesheet" href="/assets/app.css">
    <script type="module" src="/assets/app.js"></script>
    <script src='/assets/timeline.js' type=module></script>
    <!-- <script type="module" src="/assets/old.js"></script> -->
    <link rel="modulepreload" href="/assets/pane.js">
    <script>inline()</script>
    <script src="/legacy.js"></script>`;
  const r = pageResources(html, "http://127.0.0.1:4100/w/x/c/1");
  assert.deepEqual(r.modules, ["http://127.0.0.1:4100/assets/app.js", "http://127.0.0.1:4100/assets/timeline.js"]);
  assert.deepEqual(r.styles, ["http://127.0.0.1:4100/assets/app.css"]);
  assert.deepEqual(r.preloads, ["http://127.0.0.1:4100/assets/pane.js"]);
  assert.deepEqual(r.classic, ["http://127.0.0.1:4100/legacy.js"]);
});

test("module imports: static forms, multi-line lists, dynamic, comments ignored", () => {
  const src = `// import { x } from "/assets/commented.js";
/* import "/assets/block.js"; */
import { drawReactions } from "/assets/reactions.js";
import {
  a,
  b as c,
} from "/assets/messages.js";
import * as ns from './pane.js';
import def, { z } from "/assets/def.js";
import "/assets/side-effect.js";
export { q } from "/assets/re-export.js";
export * from "/assets/star.js";
const url = "http://example.com//not-a-comment";
async function later() { const m = await import("/assets/lazy.js"); }
const s = "import x from 'nope.js'";
`;
  const r = moduleImports(src);
  assert.deepEqual(r.static.sort(), [
    "./pane.js",
    "/assets/def.js",
    "/assets/messages.js",
    "/assets/re-export.js",
    "/assets/reactions.js",
    "/assets/side-effect.js",
    "/assets/star.js",
  ]);
  assert.deepEqual(r.dynamic, ["/assets/lazy.js"]);
});

test("comment stripping keeps strings", () => {
  assert.equal(stripComments(`a = "//x"; // gone\nb = '/*y*/'; /* gone */ c`), `a = "//x"; \nb = '/*y*/';   c`);
});

test("session cookie: named one first, then any session-like, empty values skipped", () => {
  assert.equal(sessionCookie(["ocomms_session=abc; Path=/; HttpOnly"]), "ocomms_session=abc");
  assert.equal(sessionCookie(["theme=dark; Path=/", "sid_session=xyz; Path=/"]), "sid_session=xyz");
  assert.equal(sessionCookie(["ocomms_session=; Max-Age=0"]), null);
});

test("violations are grouped by rule and page, most severe first, with per-target combos", () => {
  const combos = ["a", "b"];
  const v = (id, impact, targets) => ({ id, impact, help: id, nodes: targets.map((t) => ({ target: [t], any: [] })) });
  const runs = [
    { page: "p", combo: "a", violations: [v("region", "moderate", ["#x"]), v("color-contrast", "serious", [".m", ".n"])] },
    { page: "p", combo: "b", violations: [v("color-contrast", "serious", [".m"])] },
  ];
  const g = groupViolations(runs, combos);
  assert.equal(g[0].id, "color-contrast");
  assert.deepEqual(g[0].combos, ["a", "b"]);
  assert.deepEqual(g[0].targets.map((t) => [t.selector, t.combos]), [[".m", ["a", "b"]], [".n", ["a"]]]);
  assert.equal(g[1].id, "region");
  assert.equal(comboText(["a", "b"], combos), "all 2");
});

test("markdown table escapes pipes and newlines", () => {
  assert.equal(mdTable(["a"], [["x|y\nz"]]), "| a |\n| --- |\n| x\\|y<br>z |");
});
