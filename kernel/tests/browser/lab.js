// The `call` table as a JupyterLab user sees it, in headless Chromium, in each of:
//   trusted (the cells run live) and untrusted (a notebook opened with saved outputs, as one a
//   student downloads: JupyterLab sanitises its HTML), light and dark theme.
// In each, read from computed styles: the table's cells are left-aligned, have solid borders, the
// notebook's own font size, keep the colours of their tones (an in-place write, a restore) and
// contrast with the background. A screenshot of each goes to the artifacts folder. Then Run All
// on a notebook whose second cell fails: every later cell stays unexecuted, as with ipykernel.
// Arguments: the URL of examples/inplace_buffer.ipynb in the lab (with its token), the artifacts
// folder. browser/run.sh puts untrusted_inplace_buffer.ipynb (executed, not signed) and
// run_all_error.ipynb beside it, and starts the lab with the app exposed (window.jupyterapp).
const { open, runAll, prompts, trustedCells, setTheme, main } = require("./common");
const [url, art] = process.argv.slice(2);
const sibling = (name) => {
  const u = new URL(url);
  u.pathname = u.pathname.replace(/[^/]+$/, name);
  return u.toString();
};
// The tones of src/render/html.rs, as computed colours.
const CHANGED = "rgb(59, 142, 234)";
const GOOD = "rgb(58, 155, 82)";

// Computed styles of the call table's cells and what they sit on.
async function tableStyles(page, panel) {
  return page.$$eval(`${panel} .jp-OutputArea-output table`, (tables) => {
    const t = tables.find((x) => x.innerText.includes("module before"));
    if (!t) return null;
    const rgb = (s) => (s.match(/[\d.]+/g) || []).map(Number);
    const background = (el) => {
      for (let e = el; e; e = e.parentElement) {
        const c = getComputedStyle(e).backgroundColor;
        const v = rgb(c);
        if (v.length >= 3 && (v.length < 4 || v[3] > 0.5)) return c;
      }
      return "rgb(255, 255, 255)";
    };
    const area = t.closest(".jp-RenderedHTMLCommon") || t.parentElement;
    const cells = [...t.querySelectorAll("td")].map((td) => {
      const s = getComputedStyle(td);
      return {
        text: td.innerText.trim(),
        align: s.textAlign,
        border: `${s.borderTopStyle} ${s.borderTopWidth}`,
        color: s.color,
        font: s.fontSize,
        family: s.fontFamily,
        bg: background(td),
        // object ids (#12) in their own colours
        ids: [...td.querySelectorAll("span")].map((sp) => ({ text: sp.innerText, color: getComputedStyle(sp).color })),
      };
    });
    return { cells, areaFont: getComputedStyle(area).fontSize, html: t.outerHTML.slice(0, 400) };
  });
}

// WCAG contrast ratio of two computed colours.
function contrast(a, b) {
  const lum = (c) => {
    const [r, g, bl] = (c.match(/[\d.]+/g) || [0, 0, 0]).slice(0, 3).map((x) => {
      const v = Number(x) / 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

async function judge(page, panel, check, label) {
  const st = await tableStyles(page, panel);
  await page.screenshot({ path: `${art}/jupyterlab-${label}.png`, fullPage: true });
  if (!st) return check(`${label}: the call table is rendered`, false);
  const { cells } = st;
  const want = ["foo", "buffer", "restored"];
  const missing = want.filter((w) => !cells.some((c) => c.text.includes(w)));
  check(`${label}: the table's cells`, missing.length === 0, missing.length ? `missing ${missing}` : "");
  const notLeft = cells.filter((c) => !["left", "start"].includes(c.align));
  check(`${label}: every cell left-aligned`, notLeft.length === 0, notLeft.map((c) => `${c.text}: ${c.align}`).join("; "));
  const noBorder = cells.filter((c) => !/^solid [1-9]/.test(c.border));
  check(`${label}: every cell has a solid border`, noBorder.length === 0, noBorder.map((c) => `${c.text}: ${c.border}`).join("; "));
  // The output's own size, trusted or not (an untrusted notebook's sanitizer drops what it does
  // not know, and JupyterLab's table rule would make it 13px).
  const wrongFont = cells.filter((c) => c.font !== st.areaFont);
  check(`${label}: the notebook's font size (${st.areaFont})`, wrongFont.length === 0, wrongFont.map((c) => c.font).join(", "));
  const notCode = cells.filter((c) => !/mono/i.test(c.family));
  check(`${label}: the code font`, notCode.length === 0, notCode.map((c) => `${c.text}: ${c.family}`).join("; ") || cells[0].family);
  const inplace = cells.find((c) => c.text.includes("in place"));
  check(`${label}: the in-place write keeps its colour`, !!inplace && inplace.color === CHANGED, inplace && inplace.color);
  const restored = cells.find((c) => c.text === "restored");
  check(`${label}: "restored" keeps its colour`, !!restored && restored.color === GOOD, restored && restored.color);
  // 3:1: one palette of middle lightness serves both themes (4.5:1 against both white and
  // JupyterLab's dark background is out of reach for any colour).
  const pieces = cells.flatMap((c) => [{ text: c.text, color: c.color, bg: c.bg }, ...c.ids.map((i) => ({ text: i.text, color: i.color, bg: c.bg }))]);
  const low = pieces.filter((c) => c.text && contrast(c.color, c.bg) < 3);
  check(`${label}: text and ids contrast with the background (>= 3:1)`, low.length === 0, low.map((c) => `${c.text} ${c.color} on ${c.bg} (${contrast(c.color, c.bg).toFixed(2)})`).join("; "));
  const coloured = cells.flatMap((c) => c.ids).filter((i) => i.color !== cells[0].color);
  check(`${label}: object ids keep their colours`, coloured.length > 0, JSON.stringify(cells.flatMap((c) => c.ids).slice(0, 4)));
}

main("lab", { width: 1400, height: 1000 }, art, async ({ page, checks }) => {
  const check = checks.check.bind(checks);
  // Trusted: the cells run live.
  let nb = await open(page, url);
  await setTheme(page, "JupyterLab Light");
  await runAll(page, nb);
  await page.waitForSelector(`${nb} .jp-OutputArea-output table`, { timeout: 60000 });
  const t = await trustedCells(page);
  check("trusted: the executed cells are trusted", t.length > 0 && t.every((x) => x), JSON.stringify(t));
  await judge(page, nb, check, "trusted-light");
  await setTheme(page, "JupyterLab Dark");
  await judge(page, nb, check, "trusted-dark");

  // Untrusted: saved outputs, not signed (JupyterLab sanitises their HTML).
  nb = await open(page, sibling("untrusted_inplace_buffer.ipynb"));
  await page.waitForSelector(`${nb} .jp-OutputArea-output table`, { timeout: 60000 });
  const u = await trustedCells(page);
  check("untrusted: the saved outputs are untrusted", u.length > 0 && u.every((x) => !x), JSON.stringify(u));
  await judge(page, nb, check, "untrusted-dark");
  await setTheme(page, "JupyterLab Light");
  await judge(page, nb, check, "untrusted-light");

  // Run All past a failing cell: the cells before it and the failing one have their numbers,
  // every later one none (as with ipykernel: the kernel aborts what was queued behind it).
  nb = await open(page, sibling("run_all_error.ipynb"));
  await runAll(page, nb);
  await page.waitForSelector(`${nb} .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]`, { timeout: 60000 });
  const ps = await prompts(page, nb);
  const errors = await page.$$eval(`${nb} .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]`, (xs) => xs.map((x) => x.innerText));
  await page.screenshot({ path: `${art}/jupyterlab-run_all_error.png` });
  check("Run All: five code cells", ps.length === 5, JSON.stringify(ps));
  check("Run All: the cells up to the error ran", /^\[\d+\]:$/.test(ps[0]) && /^\[\d+\]:$/.test(ps[1]), JSON.stringify(ps));
  check("Run All: the error is the second cell's ZeroDivisionError", errors.length === 1 && errors[0].includes("ZeroDivisionError"), JSON.stringify(errors));
  check("Run All: every cell after the error is unexecuted", ps.slice(2).every((p) => /^\[ ?\]:$/.test(p)), JSON.stringify(ps));
}, "the call table keeps its alignment, borders, font size and colours, trusted and untrusted, light and dark; Run All stops at the error");
