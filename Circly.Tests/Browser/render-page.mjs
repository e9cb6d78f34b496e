// Opens a URL in headless Chromium (the machine's own, through playwright-core) the way a phone
// would, and prints what a person and a link-preview crawler get from it, as JSON:
//   { status, title, text, html, meta: {og:*, twitter:*, robots, viewport}, links: [href],
//     lang, viewportWidth, scrollWidth, consoleErrors: [..], screenshot }
// Usage: node Circly.Tests/Browser/render-page.mjs <url> [screenshot.png]
// CHROMIUM_PATH overrides where Chromium is (chromium.mjs).
import { tmpdir } from "node:os";
import { join } from "node:path";
import { withChromium } from "./chromium.mjs";

const [url, screenshotArg] = process.argv.slice(2);
if (!url) {
  console.error("usage: render-page.mjs <url> [screenshot.png]");
  process.exit(2);
}

const screenshot = screenshotArg ?? join(tmpdir(), `circly-page-${process.pid}.png`);
await withChromium(
  {
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    userAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
  },
  async (context, page, consoleErrors) => {
    const response = await page.goto(url, { waitUntil: "load", timeout: 30_000 });
    const result = await page.evaluate(() => ({
      title: document.title,
      text: document.body ? document.body.innerText : "",
      html: document.documentElement.outerHTML,
      lang: document.documentElement.lang,
      meta: Object.fromEntries(
        [...document.querySelectorAll("meta[property], meta[name]")].map((m) => [m.getAttribute("property") ?? m.getAttribute("name"), m.content]),
      ),
      links: [...document.querySelectorAll("a[href]")].map((a) => a.getAttribute("href")),
      viewportWidth: window.innerWidth,
      scrollWidth: document.documentElement.scrollWidth,
    }));
    await page.screenshot({ path: screenshot, fullPage: true });
    console.log(JSON.stringify({ status: response ? response.status() : 0, ...result, consoleErrors, screenshot }));
  },
);
