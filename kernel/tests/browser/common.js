// What lab.js, plots.js and visuals.js share: headless Chromium (Debian's chromium, driven by
// playwright-core) on the JupyterLab that run.sh started (app exposed as window.jupyterapp); a
// notebook opened as the current tab, with selectors scoped to its panel (the notebooks opened
// before stay open in hidden tabs and must never match); Run All through JupyterLab's own
// command; checks that collect failures; screenshots into the artifacts folder.
const fs = require("fs");
const os = require("os");
const { chromium } = require("playwright-core");

// One line per check; the failures are kept for the closing line and the exit status.
class Checks {
  constructor(name) {
    this.name = name;
    this.failures = [];
  }
  check(what, ok, detail) {
    console.log(`${ok ? "ok  " : "FAIL"} ${what}${detail ? ": " + detail : ""}`);
    if (!ok) this.failures.push(what);
    return ok;
  }
}

// Opens the notebook at `url` (a /lab/tree/... URL with its token) and waits until it is
// JupyterLab's current widget, its cells are there and its kernel (fcall) is idle. Returns a CSS
// selector for that notebook's panel: prefix every selector with it.
async function open(page, url) {
  await page.goto(url);
  const path = decodeURIComponent(new URL(url).pathname.replace(/^.*\/lab\/tree\//, ""));
  await page.waitForFunction((p) => {
    const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
    const kernel = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
    return !!(w && w.context && w.context.path === p && w.content && w.content.widgets && w.content.widgets.length
      && kernel && kernel.status === "idle" && w.isVisible);
  }, path, { timeout: 90000 });
  const id = await page.evaluate(() => {
    const node = window.jupyterapp.shell.currentWidget.node;
    if (!node.id) node.id = "fcall-current-notebook";
    return node.id;
  });
  await page.waitForTimeout(1000);
  return `#${id}`;
}

// Runs every cell of the current notebook (JupyterLab's Run All) and waits until no cell is
// queued or running ("[*]") and the kernel is idle.
async function runAll(page, panel, timeout = 120000) {
  await page.evaluate(() => window.jupyterapp.commands.execute("notebook:run-all-cells"));
  await page.waitForTimeout(500);
  await settled(page, panel, timeout);
}

async function settled(page, panel, timeout = 120000) {
  await page.waitForFunction((sel) => {
    const w = window.jupyterapp.shell.currentWidget;
    const kernel = w.sessionContext.session && w.sessionContext.session.kernel;
    const prompts = [...document.querySelectorAll(`${sel} .jp-InputPrompt`)].map((p) => p.innerText.trim());
    return kernel && kernel.status === "idle" && prompts.length > 0 && !prompts.some((p) => p.includes("*"));
  }, panel, { timeout });
  await page.waitForTimeout(1000);
}

// The input prompts of the notebook's code cells ("[3]:", "[ ]:").
async function prompts(page, panel) {
  return page.$$eval(`${panel} .jp-CodeCell .jp-InputPrompt`, (ps) => ps.map((p) => p.innerText.trim()));
}

// Whether each code cell with outputs is trusted, from the notebook's model.
async function trustedCells(page) {
  return page.evaluate(() => {
    const nb = window.jupyterapp.shell.currentWidget.content;
    return nb.widgets.filter((c) => c.model.type === "code" && c.model.outputs.length).map((c) => c.model.trusted);
  });
}

async function setTheme(page, theme) {
  await page.evaluate((t) => window.jupyterapp.commands.execute("apputils:change-theme", { theme: t }), theme);
  const light = theme.includes("Light");
  await page.waitForFunction((l) => document.body.dataset.jpThemeLight === String(l), light, { timeout: 30000 });
  await page.waitForTimeout(800);
}

// Launches Chromium, runs `body({ page, checks, art })`, keeps a screenshot if it threw, and
// exits 0 only if every check passed (printing `summary`).
async function main(name, viewport, art, body, summary) {
  const userDataDir = fs.mkdtempSync(os.tmpdir() + "/fcall-chromium-");
  const ctx = await chromium.launchPersistentContext(userDataDir, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--no-first-run"],
    viewport,
  });
  const page = ctx.pages()[0] || (await ctx.newPage());
  const checks = new Checks(name);
  try {
    await body({ page, checks, art });
  } catch (e) {
    console.error(e);
    checks.failures.push(String(e).split("\n")[0]);
    await page.screenshot({ path: `${art}/jupyterlab-${name}-failure.png` }).catch(() => {});
  } finally {
    await ctx.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
  if (checks.failures.length) {
    console.error(`browser (${name}): ${checks.failures.length} check(s) failed: ${checks.failures.join("; ")}`);
    process.exit(1);
  }
  console.log(`browser (${name}): ${summary}`);
  process.exit(0);
}

module.exports = { Checks, open, runAll, settled, prompts, trustedCells, setTheme, main };
