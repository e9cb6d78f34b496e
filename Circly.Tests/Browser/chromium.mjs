// The machine's own headless Chromium through playwright-core (never a downloaded browser), with a
// fresh, empty profile that is removed afterwards. Shared by the browser tests' scripts.
// CHROMIUM_PATH overrides where Chromium is; by default /usr/bin/chromium or `which chromium`.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

function chromiumPath() {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  if (existsSync("/usr/bin/chromium")) return "/usr/bin/chromium";
  return execFileSync("which", ["chromium"], { encoding: "utf8" }).trim();
}

/** Runs work(context, page, consoleErrors) in a new browser and closes it whatever happens. */
export async function withChromium(contextOptions, work) {
  const userDataDir = await mkdtemp(join(tmpdir(), "circly-chromium-"));
  let context;
  try {
    // launchPersistentContext is how playwright takes --user-data-dir: a fresh, empty profile.
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: chromiumPath(),
      headless: true,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
      timeout: 60_000,
      ...contextOptions,
    });
    const page = context.pages()[0] ?? (await context.newPage());
    const consoleErrors = [];
    page.on("console", (message) => {
      if (message.type() === "error") consoleErrors.push(message.text());
    });
    page.on("pageerror", (error) => consoleErrors.push(String(error)));
    return await work(context, page, consoleErrors);
  } finally {
    if (context) await context.close();
    await rm(userDataDir, { recursive: true, force: true });
  }
}
