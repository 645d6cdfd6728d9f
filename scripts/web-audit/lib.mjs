// Pure helpers of the web audit (no I/O): HTML and module parsing, grouping of axe results,
// Markdown tables. Checked by `node --test scripts/web-audit/`.

/** Attributes of one start tag's inside (`type="module" src=/a.js defer`), names lowercased. */
export function parseAttributes(text) {
  const attrs = {};
  const re = /([^\s"'<>\/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
  for (const m of text.matchAll(re)) {
    attrs[m[1].toLowerCase()] = decodeEntities(m[2] ?? m[3] ?? m[4] ?? "");
  }
  return attrs;
}

function decodeEntities(s) {
  return s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

/** Every start tag `<name ...>` of the HTML (comments skipped), as attribute objects. */
export function tags(html, name) {
  const clean = html.replace(/<!--[\s\S]*?-->/g, "");
  const re = new RegExp(`<${name}\\b((?:[^>"']|"[^"]*"|'[^']*')*)>`, "gi");
  return [...clean.matchAll(re)].map((m) => parseAttributes(m[1]));
}

/** The page's `<script type=module src>` URLs, its module preloads and its style sheets. */
export function pageResources(html, base) {
  const abs = (u) => new URL(u, base).href;
  const modules = tags(html, "script")
    .filter((a) => a.src && (a.type || "").toLowerCase() === "module")
    .map((a) => abs(a.src));
  const classic = tags(html, "script")
    .filter((a) => a.src && (a.type || "").toLowerCase() !== "module")
    .map((a) => abs(a.src));
  const links = tags(html, "link");
  const rels = (a) => (a.rel || "").toLowerCase().split(/\s+/);
  const styles = links.filter((a) => a.href && rels(a).includes("stylesheet")).map((a) => abs(a.href));
  const preloads = links.filter((a) => a.href && rels(a).includes("modulepreload")).map((a) => abs(a.href));
  return { modules, classic, styles, preloads };
}

/**
 * The specifiers a module imports: `static` (import … from "x", import "x", export … from
 * "x") and `dynamic` (import("x") with a string literal). Comments are removed first, keeping
 * strings intact, so a commented-out import does not count.
 */
export function moduleImports(source) {
  const code = stripComments(source);
  const stat = new Set();
  const dyn = new Set();
  const staticRes = [
    /(?:^|[;\n}])\s*import\s+(?:[\w$*{}\s,]+?)\s+from\s*(["'])([^"'\n]+)\1/g,
    /(?:^|[;\n}])\s*import\s*(["'])([^"'\n]+)\1/g,
    /(?:^|[;\n}])\s*export\s+(?:\*(?:\s+as\s+[\w$]+)?|\{[^}]*\})\s*from\s*(["'])([^"'\n]+)\1/g,
  ];
  for (const re of staticRes) for (const m of code.matchAll(re)) stat.add(m[2]);
  for (const m of code.matchAll(/\bimport\s*\(\s*(["'`])([^"'`\n]+)\1\s*\)/g)) dyn.add(m[2]);
  return { static: [...stat], dynamic: [...dyn] };
}

/** JavaScript with its comments removed (strings, template literals and regex-free code kept). */
export function stripComments(src) {
  let out = "";
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    const n = src[i + 1];
    if (c === "/" && n === "/") {
      while (i < src.length && src[i] !== "\n") i++;
    } else if (c === "/" && n === "*") {
      const end = src.indexOf("*/", i + 2);
      i = end < 0 ? src.length : end + 2;
      out += " ";
    } else if (c === '"' || c === "'" || c === "`") {
      let j = i + 1;
      while (j < src.length && src[j] !== c) {
        if (src[j] === "\\") j++;
        if (c !== "`" && src[j] === "\n") break;
        j++;
      }
      out += src.slice(i, j + 1);
      i = j + 1;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** The session cookie among Set-Cookie values: `name=value`, or null. */
export function sessionCookie(setCookies, preferred = "ocomms_session") {
  const pairs = setCookies
    .map((c) => c.split(";")[0].trim())
    .filter((p) => p.includes("=") && p.split("=")[1] !== "");
  return (
    pairs.find((p) => p.startsWith(`${preferred}=`)) ??
    pairs.find((p) => /session/i.test(p.split("=")[0])) ??
    pairs[0] ??
    null
  );
}

export const IMPACT_ORDER = ["critical", "serious", "moderate", "minor"];

/**
 * axe runs → rows of a violations table. `runs` is [{page, combo, violations}]; a row is one
 * (rule, page) with the combinations it fired in and each target selector with the
 * combinations where that target failed (omitted when the same as the row's).
 */
export function groupViolations(runs, allCombos) {
  const rows = new Map();
  for (const run of runs) {
    for (const v of run.violations) {
      const key = `${v.id}\u0000${run.page}`;
      let row = rows.get(key);
      if (!row) {
        row = { impact: v.impact, id: v.id, help: v.help, helpUrl: v.helpUrl, page: run.page, combos: new Set(), targets: new Map() };
        rows.set(key, row);
      }
      if (IMPACT_ORDER.indexOf(v.impact) < IMPACT_ORDER.indexOf(row.impact)) row.impact = v.impact;
      row.combos.add(run.combo);
      for (const node of v.nodes) {
        const sel = node.target.map((t) => (Array.isArray(t) ? t.join(" >>> ") : t)).join(" | ");
        let t = row.targets.get(sel);
        if (!t) {
          t = { combos: new Set(), detail: new Set() };
          row.targets.set(sel, t);
        }
        t.combos.add(run.combo);
        const d = nodeDetail(v.id, node);
        if (d) t.detail.add(`${d} (${run.combo})`);
      }
    }
  }
  const order = (c) => allCombos.indexOf(c);
  const list = [...rows.values()].map((r) => ({
    ...r,
    combos: [...r.combos].sort((a, b) => order(a) - order(b)),
    targets: [...r.targets.entries()].map(([sel, t]) => ({
      selector: sel,
      combos: [...t.combos].sort((a, b) => order(a) - order(b)),
      detail: [...t.detail],
    })),
  }));
  list.sort(
    (a, b) =>
      IMPACT_ORDER.indexOf(a.impact) - IMPACT_ORDER.indexOf(b.impact) ||
      a.id.localeCompare(b.id) ||
      a.page.localeCompare(b.page),
  );
  return list;
}

/** A short note on why a node failed, where axe gives numbers (contrast). */
export function nodeDetail(ruleId, node) {
  if (ruleId === "color-contrast" || ruleId === "color-contrast-enhanced") {
    const data = (node.any || []).find((c) => c.data && c.data.contrastRatio !== undefined)?.data;
    if (data && data.contrastRatio) {
      return `${data.contrastRatio}:1 ${data.fgColor} on ${data.bgColor}, needs ${data.expectedContrastRatio}`;
    }
  }
  return "";
}

/** `combos` in words: "all 4" when it is every combination, else the list. */
export function comboText(combos, allCombos) {
  if (combos.length === allCombos.length) return `all ${allCombos.length}`;
  return combos.join(", ");
}

/** A Markdown table; cells are escaped for `|` and newlines. */
export function mdTable(header, rows) {
  const cell = (v) => String(v ?? "").replace(/\|/g, "\\|").replace(/\r?\n/g, "<br>");
  const lines = [`| ${header.map(cell).join(" | ")} |`, `| ${header.map(() => "---").join(" | ")} |`];
  for (const r of rows) lines.push(`| ${r.map(cell).join(" | ")} |`);
  return lines.join("\n");
}

/** `code` span safe for Markdown tables (backticks inside are doubled out). */
export function code(s) {
  const text = String(s);
  return text.includes("`") ? `\`\` ${text} \`\`` : `\`${text}\``;
}

export function kib(bytes) {
  if (bytes === null || bytes === undefined) return "–";
  return `${bytes.toLocaleString("en-US")} (${(bytes / 1024).toFixed(1)} KiB)`;
}

export function ms(v) {
  return v === undefined || v === null ? "–" : `${Math.round(v).toLocaleString("en-US")} ms`;
}
