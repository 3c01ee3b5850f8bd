// The object diagrams in JupyterLab (issue 13). Opens visuals.ipynb (written by visuals.sh) and
// runs all its cells (trusted): every `draw` / `step` / `explain` output is an image/svg+xml
// picture that loaded, no wider than the output area; the 12-block transformer's diagram is
// legible at notebook width: drawn at a scale that keeps its smallest text at 9px or more, with
// no horizontal overflow. Then opens visuals-untrusted.ipynb (the same cells executed by nbclient,
// unsigned), where JupyterLab renders no SVG and shows each diagram's text/plain. Screenshots of
// both notebooks and of the transformer's diagram alone go to the artifacts folder.
// Arguments: the lab's base URL, its token, the artifacts folder.
const { open, runAll, trustedCells, main } = require("./common");
const [base, token, art] = process.argv.slice(2);
const url = (name) => `${base}/lab/tree/${name}?token=${token}`;
// The smallest font the diagrams may be read at, in CSS pixels.
const MIN_FONT = 9;

// Each SVG picture: its size as drawn and as made, its output area's width, the smallest and the
// largest font size of its text, and whether its output area scrolls sideways.
async function pictures(page, nb) {
  return page.$$eval(`${nb} .jp-RenderedSVG img`, (imgs) => imgs.map((i) => {
    const svg = decodeURIComponent(i.src.replace(/^data:image\/svg\+xml[^,]*,/, ""));
    const sizes = [...svg.matchAll(/font-size="([\d.]+)"/g)].map((m) => Number(m[1]));
    const area = i.closest(".jp-OutputArea-output");
    const title = (svg.match(/<title>([^<]*)<\/title>/) || [])[1] || "";
    return {
      title,
      loaded: i.complete && i.naturalWidth > 0,
      w: i.getBoundingClientRect().width,
      natural: i.naturalWidth,
      area: area.getBoundingClientRect().width,
      overflow: area.scrollWidth > area.clientWidth + 1,
      minFont: Math.min(...sizes),
      maxFont: Math.max(...sizes),
    };
  }));
}

main("visuals", { width: 1400, height: 1400 }, art, async ({ page, checks }) => {
  const check = checks.check.bind(checks);
  // Trusted: every cell run here.
  let nb = await open(page, url("visuals.ipynb"));
  await runAll(page, nb, 240000);
  // draw + step + explain's stepper + the transformer's draw.
  await page.waitForFunction((sel) => [...document.querySelectorAll(`${sel} .jp-RenderedSVG img`)].filter((i) => i.complete && i.naturalWidth > 0).length >= 4, nb, { timeout: 60000 });
  const t = await trustedCells(page);
  check("trusted: the cells run here are trusted", t.length >= 4 && t.every((x) => x), JSON.stringify(t));
  const pics = await pictures(page, nb);
  console.log("pictures:", JSON.stringify(pics));
  check("trusted: four SVG diagrams, each loaded", pics.length === 4 && pics.every((p) => p.loaded), String(pics.length));
  check("trusted: no diagram wider than its output", pics.every((p) => p.w <= p.area + 1 && !p.overflow), JSON.stringify(pics.map((p) => [p.w, p.area])));
  const errors = await page.$$(`${nb} .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]`);
  check("trusted: no cell failed", errors.length === 0, String(errors.length));
  await page.screenshot({ path: `${art}/jupyterlab-diagrams-trusted.png` });
  // The transformer: legible at notebook width.
  const big = pics.find((p) => p.title.startsWith("functional_call on Transformer"));
  check("the transformer's diagram is drawn", !!big, JSON.stringify(pics.map((p) => p.title)));
  if (big) {
    const scale = big.w / big.natural;
    const shown = big.minFont * scale;
    check(`the transformer's diagram: its smallest text is at least ${MIN_FONT}px as drawn`, shown >= MIN_FONT,
      `${big.minFont}px at scale ${scale.toFixed(3)} (${big.natural}px wide in ${big.area.toFixed(0)}px) = ${shown.toFixed(2)}px`);
    const imgs = await page.$$(`${nb} .jp-RenderedSVG img`);
    const img = imgs[pics.indexOf(big)];
    // The diagram as drawn in the notebook, at its drawn size.
    await img.screenshot({ path: `${art}/jupyterlab-transformer-diagram.png` });
  }

  // Untrusted: executed elsewhere, not signed here.
  nb = await open(page, url("visuals-untrusted.ipynb"));
  await page.waitForSelector(`${nb} .jp-OutputArea-output`, { timeout: 60000 });
  const u = await trustedCells(page);
  check("untrusted: the saved outputs are untrusted", u.length >= 4 && u.every((x) => !x), JSON.stringify(u));
  const svgs = await page.$$eval(`${nb} .jp-RenderedSVG img`, (xs) => xs.length);
  const texts = await page.$$eval(`${nb} .jp-OutputArea-output.jp-RenderedText`, (xs) => xs.map((x) => x.innerText));
  // draw and the transformer's draw: before / during / after; step and explain: stage by stage.
  const drawn = texts.filter((x) => x.includes("── before the call ──") && x.includes("── after the call ──"));
  const stepped = texts.filter((x) => /── step 1 of \d+: 1\. merge ──/.test(x));
  check("untrusted: no SVG rendered", svgs === 0, String(svgs));
  check("untrusted: the diagrams as their text (draw, step, explain, the transformer)", drawn.length === 2 && stepped.length === 2,
    `${drawn.length} drawn and ${stepped.length} stepped of ${texts.length} text outputs`);
  await page.screenshot({ path: `${art}/jupyterlab-diagrams-untrusted.png` });
}, "the diagrams render in JupyterLab (trusted as SVG, the transformer's legible at notebook width; untrusted as text)");
