// The object diagrams in JupyterLab (issue 13): opens visuals.ipynb (made by run.sh), runs all
// cells (outputs of this session: trusted) and checks that each `draw` / `step` / `explain`
// output is an image/svg+xml rendering that loaded (not a text fallback), then opens
// visuals-untrusted.ipynb (the same cells executed by nbclient, unsigned: untrusted), where
// JupyterLab does not render SVG and shows the diagram's text/plain instead. Screenshots of
// both, and of the 12-block transformer's diagram alone, go to the artifacts folder.
const { chromium } = require("playwright-core");
const [base, token, art] = process.argv.slice(2);

async function open(page, name) {
  await page.goto(`${base}/lab/tree/${name}?token=${token}`);
  await page.waitForSelector(".jp-Notebook", { timeout: 60000 });
  await page.waitForFunction(() => document.body.innerText.includes("fcall"), null, { timeout: 60000 });
  await page.waitForTimeout(1500);
}

(async () => {
  const userDataDir = require("fs").mkdtempSync(require("os").tmpdir() + "/fcall-chromium-");
  const ctx = await chromium.launchPersistentContext(userDataDir, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--no-first-run"],
    viewport: { width: 1400, height: 1000 },
  });
  const page = ctx.pages()[0] || (await ctx.newPage());
  const problems = [];
  try {
    // Trusted: run every cell here.
    await open(page, "visuals.ipynb");
    await page.click(".jp-Notebook");
    await page.click("text=Run", { timeout: 10000 });
    await page.click("text=Run All Cells", { timeout: 10000 });
    // draw + step + explain (its stages) + the transformer.
    await page.waitForFunction(() => document.querySelectorAll(".jp-RenderedSVG img, .jp-RenderedImage img").length >= 4, null, { timeout: 180000 });
    await page.waitForTimeout(2000);
    const imgs = await page.$$eval(".jp-RenderedSVG img, .jp-RenderedImage img", (xs) =>
      xs.map((i) => ({ loaded: i.complete && i.naturalWidth > 0, w: i.getBoundingClientRect().width, natural: i.naturalWidth, area: i.closest(".jp-OutputArea").getBoundingClientRect().width })));
    console.log("trusted: svg images:", JSON.stringify(imgs));
    if (imgs.some((i) => !i.loaded)) problems.push("an SVG diagram did not load");
    if (imgs.some((i) => i.w > i.area + 1)) problems.push("a diagram is wider than the output area");
    await page.screenshot({ path: `${art}/jupyterlab-diagrams-trusted.png`, fullPage: true });
    const last = (await page.$$(".jp-RenderedSVG img, .jp-RenderedImage img")).pop();
    await last.scrollIntoViewIfNeeded();
    await last.screenshot({ path: `${art}/jupyterlab-transformer-diagram.png` });
    // Untrusted: executed elsewhere, not signed here.
    await open(page, "visuals-untrusted.ipynb");
    await page.waitForSelector(".jp-OutputArea-output", { timeout: 60000 });
    await page.waitForTimeout(1500);
    const svgs = await page.$$eval(".jp-RenderedSVG img", (xs) => xs.length);
    const texts = await page.$$eval(".jp-OutputArea-output", (xs) => xs.map((x) => x.innerText));
    const fallback = texts.filter((t) => t.includes("── before the call ──")).length;
    console.log(`untrusted: ${svgs} SVG images, ${fallback} text diagrams`);
    if (fallback < 1) problems.push("the untrusted notebook shows no diagram (neither SVG nor its text)");
    await page.screenshot({ path: `${art}/jupyterlab-diagrams-untrusted.png`, fullPage: true });
  } catch (e) {
    console.error(e);
    problems.push(String(e));
    await page.screenshot({ path: `${art}/jupyterlab-diagrams-failure.png`, fullPage: true }).catch(() => {});
  } finally {
    await ctx.close();
  }
  if (problems.length) {
    console.error("diagrams in the browser:", problems.join("; "));
    process.exit(1);
  }
  console.log("browser: the diagrams rendered in JupyterLab (trusted as SVG, untrusted as text)");
  process.exit(0);
})();
