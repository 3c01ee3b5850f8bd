// Opens a notebook of plots in JupyterLab twice: as saved (untrusted: JupyterLab shows the text
// chart, never running or rendering unsafe output), then after Run All (trusted: the SVG
// images). Checks what rendered and keeps a screenshot of each in $FCALL_KERNEL_ARTIFACTS.
const { chromium } = require("playwright-core");
const [url, art] = process.argv.slice(2);

// What the output areas show: SVG images (loaded, with a size) and braille text charts.
async function rendered(page) {
  return page.$$eval(".jp-OutputArea-output", (outs) => {
    let images = 0, braille = 0;
    for (const o of outs) {
      for (const img of o.querySelectorAll("img")) {
        if ((img.src || "").startsWith("data:image/svg+xml") && img.complete && img.naturalWidth > 100) images += 1;
      }
      images += o.querySelectorAll("svg").length;
      if ([...o.innerText].filter((c) => c >= "\u2801" && c <= "\u28ff").length > 10) braille += 1;
    }
    return { images, braille, outputs: outs.length };
  });
}

(async () => {
  const userDataDir = require("fs").mkdtempSync(require("os").tmpdir() + "/fcall-chromium-");
  const ctx = await chromium.launchPersistentContext(userDataDir, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--no-first-run"],
    viewport: { width: 1200, height: 1400 },
  });
  const page = ctx.pages()[0] || (await ctx.newPage());
  let ok = false;
  try {
    await page.goto(url);
    await page.waitForSelector(".jp-Notebook", { timeout: 60000 });
    await page.waitForFunction(() => document.body.innerText.includes("fcall"), null, { timeout: 60000 });
    await page.waitForSelector(".jp-OutputArea-output", { timeout: 60000 });
    await page.waitForTimeout(1500);
    const saved = await rendered(page);
    await page.screenshot({ path: `${art}/jupyterlab-plot-untrusted.png`, fullPage: true });
    console.log("untrusted (as saved):", JSON.stringify(saved));
    // Untrusted: each plot is still seen, as the text chart (or as the image, if the front end
    // counts an SVG image as safe).
    const untrustedOk = saved.braille + saved.images >= 2;
    await page.click(".jp-Notebook");
    await page.click("text=Run", { timeout: 10000 });
    await page.click("text=Run All Cells", { timeout: 10000 });
    await page.waitForFunction(() => {
      const imgs = [...document.querySelectorAll(".jp-OutputArea-output img")];
      return imgs.filter((i) => (i.src || "").startsWith("data:image/svg+xml") && i.complete && i.naturalWidth > 100).length >= 2;
    }, null, { timeout: 90000 });
    await page.waitForTimeout(1000);
    const live = await rendered(page);
    await page.screenshot({ path: `${art}/jupyterlab-plot-trusted.png`, fullPage: true });
    console.log("trusted (run):", JSON.stringify(live));
    if (!untrustedOk) {
      console.error("the saved (untrusted) notebook showed neither the text charts nor the images");
    } else if (live.images < 2) {
      console.error("the trusted run did not render both SVG images");
    } else {
      ok = true;
      console.log("browser: plots rendered in JupyterLab, untrusted (as text or image) and trusted (SVG)");
    }
  } catch (e) {
    console.error(e);
    await page.screenshot({ path: `${art}/jupyterlab-plot-failure.png`, fullPage: true }).catch(() => {});
  } finally {
    await ctx.close();
  }
  process.exit(ok ? 0 : 1);
})();
