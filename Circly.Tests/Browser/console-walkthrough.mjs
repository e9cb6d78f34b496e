// Walks the admin console in headless Chromium on a laptop-sized window, by label and keyboard
// where a person would, and prints what it saw and did as JSON:
//   { signedIn, charts: {id: [{series, day, value}]}, queues: [{queue, kind, value}], reportStatus,
//     templateStatus, audit: [{action, target}], unlabelled: [..], consoleErrors: [..], screenshot }
// Usage: node console-walkthrough.mjs <console url incl. ?from&to> <admin token> <report id> <template id> <new question text> [screenshot.png]
import { tmpdir } from "node:os";
import { join } from "node:path";
import { withChromium } from "./chromium.mjs";

const [url, token, reportId, templateId, newText, screenshotArg] = process.argv.slice(2);
if (!newText) {
  console.error("usage: console-walkthrough.mjs <url> <token> <report id> <template id> <new text> [screenshot.png]");
  process.exit(2);
}
const screenshot = screenshotArg ?? join(tmpdir(), `circly-console-${process.pid}.png`);

await withChromium({ viewport: { width: 1366, height: 768 } }, async (context, page, consoleErrors) => {
  const result = { consoleErrors, screenshot };
  const unlabelled = () =>
    page.evaluate(() =>
      [...document.querySelectorAll("input, select, textarea")]
        .filter((field) => field.offsetParent !== null && field.labels.length === 0)
        .map((field) => field.id || field.name || field.outerHTML.slice(0, 60)),
    );
  await page.goto(url, { waitUntil: "load", timeout: 30_000 });

  // Sign in: paste the token, then Enter on the focused button (keyboard only).
  await page.getByLabel("Admin token").fill(token);
  await page.getByRole("button", { name: "Sign in" }).focus();
  await page.keyboard.press("Enter");
  await page.locator("#chart-queues").waitFor({ timeout: 20_000 });
  result.signedIn = await page.locator("nav").isVisible();
  result.unlabelled = await unlabelled();
  result.charts = await page.evaluate(() =>
    Object.fromEntries(
      [...document.querySelectorAll("svg.chart[id^='chart-']")]
        .filter((chart) => chart.id !== "chart-queues")
        .map((chart) => [chart.id, [...chart.querySelectorAll("circle[data-series]")].map((p) => ({ series: p.dataset.series, day: p.dataset.day, value: Number(p.dataset.value) }))]),
    ),
  );
  result.queues = await page.evaluate(() =>
    [...document.querySelectorAll("#chart-queues rect[data-queue]")].map((bar) => ({ queue: bar.dataset.queue, kind: bar.dataset.kind, value: Number(bar.dataset.value) })),
  );
  await page.screenshot({ path: screenshot, fullPage: true });

  // Triage the report: its row's own labelled fields.
  await page.getByRole("link", { name: "Reports" }).click();
  const report = page.locator(`form[data-report="${reportId}"]`);
  await report.waitFor({ timeout: 20_000 });
  result.unlabelled.push(...(await unlabelled()));
  await report.getByLabel("Action").selectOption("dismiss");
  await report.getByLabel("Reason").fill("Looked at it: a friendly joke.");
  await report.getByLabel("Reason").press("Enter");
  await page.locator("#status", { hasText: "resolved" }).waitFor({ timeout: 20_000 });
  result.reportStatus = await page.locator("#status").textContent();

  // Edit the template's question.
  await page.getByRole("link", { name: "Templates" }).click();
  const template = page.locator(`form[data-template="${templateId}"]`);
  await template.waitFor({ timeout: 20_000 });
  result.unlabelled.push(...(await unlabelled()));
  await template.getByLabel("Question").fill(newText);
  await template.getByRole("button", { name: "Save" }).click();
  await page.locator("#status", { hasText: "Template saved" }).waitFor({ timeout: 20_000 });
  result.templateStatus = await page.locator("#status").textContent();

  // The audit log shows both.
  await page.getByRole("link", { name: "Audit log" }).click();
  await page.locator("#audit tbody tr").first().waitFor({ timeout: 20_000 });
  result.audit = await page.evaluate(() => [...document.querySelectorAll("#audit tbody tr")].map((row) => ({ action: row.dataset.action, target: row.dataset.target })));
  result.bodyText = await page.evaluate(() => document.body.innerText);
  console.log(JSON.stringify(result));
});
