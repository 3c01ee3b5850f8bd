// Opens a notebook in JupyterLab, runs all cells, checks the rendered `call` table's cells.
const { chromium } = require("playwright-core");
const [url, art] = process.argv.slice(2);
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
  let ok = false;
  try {
    await page.goto(url);
    // the kernel is up and idle
    await page.waitForSelector(".jp-Notebook", { timeout: 60000 });
    await page.waitForFunction(() => {
      const s = document.querySelector(".jp-Notebook-ExecutionIndicator, .jp-Toolbar-kernelStatus");
      return document.body.innerText.includes("fcall") ;
    }, null, { timeout: 60000 });
    await page.waitForTimeout(1500);
    await page.click(".jp-Notebook");
    await page.click("text=Run", { timeout: 10000 });
    await page.click("text=Run All Cells", { timeout: 10000 });
    await page.waitForSelector(".jp-OutputArea-output table", { timeout: 60000 });
    await page.waitForTimeout(1500);
    const cells = await page.$$eval(".jp-OutputArea-output table td", (tds) => tds.map((t) => t.innerText.trim()));
    const want = ["foo", "buffer", "restored"];
    const missing = want.filter((w) => !cells.some((c) => c.includes(w)));
    const inplace = cells.some((c) => c.includes("in place"));
    await page.screenshot({ path: `${art}/jupyterlab-inplace_buffer.png`, fullPage: true });
    console.log("table cells:", JSON.stringify(cells.slice(0, 16)));
    if (missing.length || !inplace) {
      console.error("missing in the rendered table:", missing, "in place:", inplace);
    } else {
      ok = true;
      console.log("browser: the call table rendered in JupyterLab with the expected cells");
    }
  } catch (e) {
    console.error(e);
    await page.screenshot({ path: `${art}/jupyterlab-failure.png`, fullPage: true }).catch(() => {});
  } finally {
    await ctx.close();
  }
  process.exit(ok ? 0 : 1);
})();
