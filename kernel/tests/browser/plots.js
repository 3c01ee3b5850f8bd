// A notebook of plots (a line chart and a heatmap; run.sh writes and executes it) in JupyterLab
// twice: as saved (untrusted: JupyterLab renders no SVG there and shows each picture's text
// chart, its text/plain), then after Run All (trusted: each picture its own image/svg+xml output,
// drawn as an image that loaded). A screenshot of each goes to the artifacts folder.
// Arguments: the URL of plots.ipynb in the lab (with its token), the artifacts folder.
const { open, runAll, trustedCells, main } = require("./common");
const [url, art] = process.argv.slice(2);

// What the notebook's output areas show: SVG images that loaded, and text charts (braille for the
// line chart, the heatmap's summary line).
async function rendered(page, nb) {
  return page.$$eval(`${nb} .jp-OutputArea-output`, (outs) => {
    const images = [], texts = [];
    for (const o of outs) {
      for (const img of o.querySelectorAll(".jp-RenderedSVG img")) {
        const area = img.closest(".jp-OutputArea-output").getBoundingClientRect().width;
        images.push({ loaded: img.complete && img.naturalWidth > 100, svg: img.src.startsWith("data:image/svg+xml"), fits: img.getBoundingClientRect().width <= area + 1 });
      }
      if (o.matches(".jp-RenderedText") || o.querySelector(".jp-RenderedText")) texts.push(o.innerText);
    }
    return { images, texts, html: outs.filter((o) => o.querySelector("img:not(.jp-RenderedSVG img)")).length };
  });
}
const braille = (t) => [...t].filter((c) => c >= "\u2801" && c <= "\u28ff").length;

main("plots", { width: 1200, height: 1400 }, art, async ({ page, checks }) => {
  const check = checks.check.bind(checks);
  let nb = await open(page, url);
  await page.waitForSelector(`${nb} .jp-OutputArea-output`, { timeout: 60000 });
  const u = await trustedCells(page);
  check("untrusted: the saved outputs are untrusted", u.length === 2 && u.every((x) => !x), JSON.stringify(u));
  const saved = await rendered(page, nb);
  await page.screenshot({ path: `${art}/jupyterlab-plot-untrusted.png` });
  check("untrusted: no SVG rendered", saved.images.length === 0, JSON.stringify(saved.images));
  check("untrusted: the line chart as its braille text", saved.texts.some((t) => t.startsWith("squares") && braille(t) > 10), JSON.stringify(saved.texts.map((t) => t.slice(0, 60))));
  check("untrusted: the heatmap as its text", saved.texts.some((t) => t.includes("2 of 24 entries changed")), JSON.stringify(saved.texts.map((t) => t.slice(0, 80))));

  await runAll(page, nb);
  await page.waitForFunction((sel) => [...document.querySelectorAll(`${sel} .jp-RenderedSVG img`)].filter((i) => i.complete && i.naturalWidth > 100).length >= 2, nb, { timeout: 60000 });
  const t = await trustedCells(page);
  check("trusted: the cells run here are trusted", t.length === 2 && t.every((x) => x), JSON.stringify(t));
  const live = await rendered(page, nb);
  await page.screenshot({ path: `${art}/jupyterlab-plot-trusted.png` });
  check("trusted: two SVG pictures, both loaded", live.images.length === 2 && live.images.every((i) => i.loaded && i.svg), JSON.stringify(live.images));
  check("trusted: no picture inside HTML", live.html === 0, String(live.html));
  check("trusted: each picture fits its output's width", live.images.every((i) => i.fits), JSON.stringify(live.images));
  const last = (await page.$$(`${nb} .jp-RenderedSVG img`)).pop();
  await last.scrollIntoViewIfNeeded();
  await last.screenshot({ path: `${art}/jupyterlab-plot-heatmap.png` });
}, "plots render in JupyterLab: untrusted as their text charts, trusted as SVG images");
