// The Circly admin console: plain JavaScript, no dependencies, served by the Function App with a
// Content-Security-Policy that allows only this script and this origin. Everything it shows comes
// from the admin API (/v1/admin/...) with the pasted bearer token; data goes into the page as text
// (textContent), never as markup. It has no way to votes, voters or devices: the API has none.
"use strict";

const TOKEN_KEY = "circly.console.token";
const SVG = "http://www.w3.org/2000/svg";
const COLORS = ["#5b3fd0", "#e07a1f", "#1f8a70"];
const pages = { dashboard: showDashboard, reports: showReports, bans: showBans, templates: showTemplates, audit: showAudit };

const $ = (id) => document.getElementById(id);

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function svg(tag, attributes = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return node;
}

function say(message, isError = false) {
  const status = $("status");
  status.textContent = message;
  status.classList.toggle("error", isError);
}

class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function api(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: { Authorization: `Bearer ${sessionStorage.getItem(TOKEN_KEY)}`, ...(body ? { "Content-Type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const envelope = await response.json().catch(() => null);
  if (!response.ok || !envelope || !envelope.success) {
    const error = envelope && envelope.error ? envelope.error : { code: "HTTP_" + response.status, message: response.statusText };
    if (response.status === 401) signOut("Your token was not accepted (expired or not an admin token). Sign in again.");
    throw new ApiError(response.status, error.code, error.message);
  }
  return envelope;
}

function failed(error) {
  say(error instanceof ApiError ? `${error.message} (${error.code})` : String(error), true);
}

// ---- Sign-in and navigation ----

function signOut(message) {
  sessionStorage.removeItem(TOKEN_KEY);
  $("nav").hidden = true;
  $("page").hidden = true;
  $("page").replaceChildren();
  $("sign-in").hidden = false;
  say(message || "Signed out.");
  $("token").focus();
}

async function signIn(event) {
  event.preventDefault();
  const token = $("token").value.trim();
  if (!token) return;
  sessionStorage.setItem(TOKEN_KEY, token);
  try {
    await api("GET", "/v1/admin/reports?limit=1");
    $("token").value = "";
    // Setting the hash routes (hashchange); otherwise route here.
    if (!location.hash) location.hash = "#dashboard";
    else await route();
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 401)) failed(error);
  }
}

async function route() {
  if (!sessionStorage.getItem(TOKEN_KEY)) {
    signOut("Sign in with an admin token.");
    return;
  }
  const name = location.hash.replace(/^#/, "") || "dashboard";
  const show = pages[name] || showDashboard;
  $("sign-in").hidden = true;
  $("nav").hidden = false;
  for (const link of document.querySelectorAll("nav a")) {
    if (link.getAttribute("href") === "#" + name) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  const page = $("page");
  page.hidden = false;
  page.replaceChildren();
  say("Loading…");
  try {
    await show(page);
    say("");
  } catch (error) {
    failed(error);
  }
}

// ---- Dashboard ----

function isoDay(date) {
  return date.toISOString().slice(0, 10);
}

async function showDashboard(page) {
  const params = new URLSearchParams(location.search);
  const yesterday = new Date(Date.now() - 86_400_000);
  const to = params.get("to") || isoDay(yesterday);
  const from = params.get("from") || isoDay(new Date(Date.parse(to) - 29 * 86_400_000));
  const form = el("form", { class: "inline", id: "period-form" },
    el("div", {}, el("label", { for: "from" }, "From"), el("input", { type: "date", id: "from", name: "from", value: from, required: true })),
    el("div", {}, el("label", { for: "to" }, "To"), el("input", { type: "date", id: "to", name: "to", value: to, required: true })),
    el("button", { type: "submit" }, "Show"));
  const charts = el("div", { class: "charts", id: "charts" });
  page.append(el("h2", {}, "Dashboard"), form, charts);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const url = new URL(location.href);
    url.searchParams.set("from", $("from").value);
    url.searchParams.set("to", $("to").value);
    history.replaceState(null, "", url);
    await drawDashboard(charts, $("from").value, $("to").value).catch(failed);
  });
  await drawDashboard(charts, from, to);
}

async function drawDashboard(charts, from, to) {
  const [metrics, queues] = await Promise.all([
    api("GET", `/v1/admin/metrics?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`),
    api("GET", "/v1/admin/queues"),
  ]);
  const days = metrics.data.days;
  const percent = (rate) => (rate === null || rate === undefined ? null : Math.round(rate * 1000) / 10);
  charts.replaceChildren(
    lineChart("chart-active-users", "Active users (DAU, WAU and MAU to date)", days, [
      { key: "dau", label: "DAU", value: (d) => d.dau },
      { key: "wau", label: "WAU", value: (d) => d.wau },
      { key: "mau", label: "MAU", value: (d) => d.mau },
    ]),
    lineChart("chart-polls", "Polls per day", days, [
      { key: "created", label: "Created", value: (d) => d.pollsCreated },
      { key: "closed", label: "Closed", value: (d) => d.pollsClosed },
    ]),
    lineChart("chart-participation", "Participation of closed polls (%)", days, [
      { key: "participation", label: "Votes ÷ eligible voters", value: (d) => percent(d.participation.rate) },
    ], 100),
    lineChart("chart-push", "Push delivery rate (%)", days, [
      { key: "delivery", label: "Delivered ÷ sent", value: (d) => percent(d.push.deliveryRate) },
    ], 100),
    queueChart("chart-queues", `Queues now (${queues.data.status})`, queues.data.queues),
  );
  if (days.length === 0) say(`No aggregated figures between ${from} and ${to}.`);
}

function scale(max, height) {
  return (value) => height - (max === 0 ? 0 : (value / max) * height);
}

/** A line chart as inline SVG; every point carries data-series, data-day and data-value, and the same figures are in a table. */
function lineChart(id, title, days, series, fixedMax) {
  const width = 520, height = 200, left = 40, bottom = 24, top = 10;
  const plotWidth = width - left - 10, plotHeight = height - bottom - top;
  const values = series.flatMap((s) => days.map(s.value)).filter((v) => v !== null && v !== undefined);
  const max = fixedMax ?? Math.max(1, ...values);
  const y = scale(max, plotHeight);
  const x = (i) => left + (days.length <= 1 ? plotWidth / 2 : (i / (days.length - 1)) * plotWidth);
  const titleId = id + "-title";
  const chart = svg("svg", { class: "chart", id, viewBox: `0 0 ${width} ${height}`, role: "img", "aria-labelledby": titleId, "data-days": days.length });
  chart.append(svg("title", { id: titleId }, title));
  chart.append(svg("line", { x1: left, y1: top + plotHeight, x2: left + plotWidth, y2: top + plotHeight, stroke: "#999" }));
  chart.append(svg("text", { x: 4, y: top + 10 }, String(max)), svg("text", { x: 4, y: top + plotHeight }, "0"));
  if (days.length > 0) {
    chart.append(svg("text", { x: left, y: height - 6 }, days[0].day), svg("text", { x: left + plotWidth - 64, y: height - 6 }, days[days.length - 1].day));
  }
  series.forEach((s, n) => {
    const points = days.map((d, i) => ({ day: d.day, value: s.value(d), x: x(i) })).filter((p) => p.value !== null && p.value !== undefined);
    const group = svg("g", { "data-series": s.key, stroke: COLORS[n], fill: COLORS[n] });
    if (points.length > 1) {
      group.append(svg("polyline", { fill: "none", "stroke-width": 2, points: points.map((p) => `${p.x.toFixed(1)},${(top + y(p.value)).toFixed(1)}`).join(" ") }));
    }
    for (const p of points) {
      group.append(svg("circle", { cx: p.x.toFixed(1), cy: (top + y(p.value)).toFixed(1), r: 3, "data-series": s.key, "data-day": p.day, "data-value": p.value },
        svg("title", {}, `${s.label} ${p.day}: ${p.value}`)));
    }
    chart.append(group);
  });
  const legend = el("ul", { class: "legend" }, series.map((s, n) => el("li", {}, el("span", { class: `swatch s${n}`, "aria-hidden": "true" }), s.label)));
  const table = el("table", {},
    el("caption", {}, title),
    el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "Day"), series.map((s) => el("th", { scope: "col" }, s.label)))),
    el("tbody", {}, days.map((d) => el("tr", {}, el("th", { scope: "row" }, d.day), series.map((s) => el("td", {}, s.value(d) ?? "–"))))));
  return el("figure", { "aria-labelledby": id + "-caption" },
    el("figcaption", { id: id + "-caption" }, title), chart, legend, el("details", {}, el("summary", {}, "Figures"), table));
}

/** Each queue's depth and poison count, as bars; data-queue, data-kind and data-value on each bar. */
function queueChart(id, title, queues) {
  const names = Object.keys(queues).sort();
  const width = 520, rowHeight = 34, left = 150, height = Math.max(40, names.length * rowHeight + 10);
  const max = Math.max(1, ...names.flatMap((n) => [queues[n].approximateMessages ?? 0, queues[n].poisonMessages ?? 0]));
  const titleId = id + "-title";
  const chart = svg("svg", { class: "chart", id, viewBox: `0 0 ${width} ${height}`, role: "img", "aria-labelledby": titleId, "data-queues": names.length });
  chart.append(svg("title", { id: titleId }, title));
  names.forEach((name, i) => {
    const top = 5 + i * rowHeight;
    chart.append(svg("text", { x: 4, y: top + 18 }, name));
    [["depth", queues[name].approximateMessages ?? 0], ["poison", queues[name].poisonMessages ?? 0]].forEach(([kind, value], k) => {
      const barWidth = (value / max) * (width - left - 40);
      chart.append(svg("rect", { x: left, y: top + k * 13, width: Math.max(1, barWidth).toFixed(1), height: 11, fill: COLORS[k], "data-queue": name, "data-kind": kind, "data-value": value },
        svg("title", {}, `${name} ${kind}: ${value}`)));
      chart.append(svg("text", { x: left + Math.max(1, barWidth) + 4, y: top + k * 13 + 10 }, String(value)));
    });
  });
  const legend = el("ul", { class: "legend" }, el("li", {}, el("span", { class: "swatch s0", "aria-hidden": "true" }), "Waiting"),
    el("li", {}, el("span", { class: "swatch s1", "aria-hidden": "true" }), "Poison"));
  const table = el("table", {}, el("caption", {}, title),
    el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "Queue"), el("th", { scope: "col" }, "Waiting"), el("th", { scope: "col" }, "Poison"))),
    el("tbody", {}, names.map((n) => el("tr", {}, el("th", { scope: "row" }, n), el("td", {}, queues[n].approximateMessages ?? "–"), el("td", {}, queues[n].poisonMessages ?? "–")))));
  return el("figure", { "aria-labelledby": id + "-caption" }, el("figcaption", { id: id + "-caption" }, title), chart, legend, el("details", {}, el("summary", {}, "Figures"), table));
}

// ---- Reports ----

const ACTIONS = ["dismiss", "hide", "rename", "remove_member", "ban_device"];

async function showReports(page) {
  const reports = (await api("GET", "/v1/admin/reports?status=pending&limit=100")).data;
  page.append(el("h2", {}, "Reports queue"), el("p", {}, `${reports.length} pending, oldest first. An action resolves every pending report on the same target.`));
  if (reports.length === 0) {
    page.append(el("p", { class: "empty" }, "Nothing to review."));
    return;
  }
  const rows = reports.map((r) => {
    const actionId = `action-${r.id}`, reasonId = `reason-${r.id}`;
    const form = el("form", { class: "inline", "data-report": r.id },
      el("div", {}, el("label", { for: actionId }, "Action"), el("select", { id: actionId, name: "action" }, ACTIONS.map((a) => el("option", { value: a }, a.replace("_", " "))))),
      el("div", {}, el("label", { for: reasonId }, "Reason"), el("input", { id: reasonId, name: "reason", required: true, maxlength: 500 })),
      el("button", { type: "submit" }, "Apply"));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        const result = await api("POST", `/v1/admin/reports/${r.id}/actions`, { action: $(actionId).value, reason: $(reasonId).value });
        say(`Report ${r.id}: ${result.data.action}, ${result.data.reportsResolved} report(s) resolved.`);
        form.closest("tr").remove();
      } catch (error) {
        failed(error);
      }
    });
    return el("tr", { "data-report": r.id },
      el("td", {}, new Date(r.createdAt).toLocaleString()),
      el("td", {}, r.targetType, el("br"), el("small", {}, r.targetId)),
      el("td", {}, r.reason),
      el("td", {}, r.details ?? "–"),
      el("td", {}, r.reportsOnTarget),
      el("td", {}, form));
  });
  page.append(el("table", { id: "reports" },
    el("caption", {}, "Pending reports"),
    el("thead", {}, el("tr", {}, ["Filed", "Target", "Reason", "Details", "Reports on target", "Decision"].map((h) => el("th", { scope: "col" }, h)))),
    el("tbody", {}, rows)));
}

// ---- Bans ----

async function showBans(page) {
  const bans = (await api("GET", "/v1/admin/bans?limit=100")).data;
  const form = el("form", { class: "inline", id: "ban-form" },
    el("div", {}, el("label", { for: "ban-user" }, "Account id"), el("input", { id: "ban-user", required: true, size: 38 })),
    el("div", {}, el("label", { for: "ban-reason" }, "Reason"), el("input", { id: "ban-reason", required: true, maxlength: 500 })),
    el("button", { type: "submit" }, "Ban account and device"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await api("POST", "/v1/admin/bans", { userId: $("ban-user").value.trim(), reason: $("ban-reason").value });
      await route();
      say("Banned.");
    } catch (error) {
      failed(error);
    }
  });
  const rows = bans.map((b) => {
    const reasonId = `lift-${b.id}`;
    const lift = el("form", { class: "inline" },
      el("div", {}, el("label", { for: reasonId }, "Reason to lift"), el("input", { id: reasonId, required: true, maxlength: 500 })),
      el("button", { type: "submit", class: "secondary" }, "Lift"));
    lift.addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        await api("POST", `/v1/admin/bans/${b.id}/lift`, { reason: $(reasonId).value });
        lift.closest("tr").remove();
        say("Ban lifted.");
      } catch (error) {
        failed(error);
      }
    });
    return el("tr", {}, el("td", {}, new Date(b.bannedAt).toLocaleString()), el("td", {}, b.userId ?? "(account deleted)"), el("td", {}, b.reason), el("td", {}, lift));
  });
  page.append(el("h2", {}, "Bans"), form,
    el("table", { id: "bans" }, el("caption", {}, `${bans.length} active bans`),
      el("thead", {}, el("tr", {}, ["Banned", "Account", "Reason", ""].map((h) => el("th", { scope: "col" }, h)))),
      el("tbody", {}, rows)));
}

// ---- Templates ----

async function showTemplates(page) {
  const [templates, categories] = await Promise.all([api("GET", "/v1/admin/templates?limit=100"), api("GET", "/v1/admin/templates/categories")]);
  const categoryOptions = (selected) => categories.data.map((c) => el("option", { value: c, selected: c === selected }, c));
  const create = el("form", { class: "inline", id: "new-template" },
    el("div", {}, el("label", { for: "new-category" }, "Category"), el("select", { id: "new-category" }, categoryOptions())),
    el("div", {}, el("label", { for: "new-text" }, "Question"), el("input", { id: "new-text", required: true, size: 40, maxlength: 200 })),
    el("div", {}, el("label", { for: "new-emoji" }, "Emoji"), el("input", { id: "new-emoji", required: true, size: 4 })),
    el("button", { type: "submit" }, "Create"));
  create.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await api("POST", "/v1/admin/templates", { category: $("new-category").value, questionText: $("new-text").value, emoji: $("new-emoji").value });
      await route();
      say("Template created.");
    } catch (error) {
      failed(error);
    }
  });
  const rows = templates.data.map((t) => {
    const textId = `text-${t.id}`, emojiId = `emoji-${t.id}`, categoryId = `category-${t.id}`;
    const edit = el("form", { class: "inline", "data-template": t.id },
      el("div", {}, el("label", { for: categoryId }, "Category"), el("select", { id: categoryId }, categoryOptions(t.category))),
      el("div", {}, el("label", { for: textId }, "Question"), el("input", { id: textId, value: t.questionText, required: true, size: 40, maxlength: 200 })),
      el("div", {}, el("label", { for: emojiId }, "Emoji"), el("input", { id: emojiId, value: t.emoji, required: true, size: 4 })),
      el("button", { type: "submit" }, "Save"),
      t.isActive ? el("button", { type: "button", class: "secondary", "data-deactivate": t.id }, "Deactivate") : el("span", {}, "Deactivated"));
    edit.addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        await api("PUT", `/v1/admin/templates/${t.id}`, { category: $(categoryId).value, questionText: $(textId).value, emoji: $(emojiId).value });
        say(`Template saved: ${$(textId).value}`);
      } catch (error) {
        failed(error);
      }
    });
    const deactivate = edit.querySelector("[data-deactivate]");
    if (deactivate) {
      deactivate.addEventListener("click", async () => {
        try {
          await api("POST", `/v1/admin/templates/${t.id}/deactivate`);
          await route();
          say("Template deactivated.");
        } catch (error) {
          failed(error);
        }
      });
    }
    return el("tr", { "data-template": t.id }, el("td", {}, t.isActive ? "active" : "inactive"), el("td", {}, t.usageCount), el("td", {}, edit));
  });
  page.append(el("h2", {}, "Question templates"), el("h3", {}, "New template"), create,
    el("table", { id: "templates" }, el("caption", {}, `${templates.meta.pagination.total} templates`),
      el("thead", {}, el("tr", {}, ["State", "Used", "Template"].map((h) => el("th", { scope: "col" }, h)))),
      el("tbody", {}, rows)));
}

// ---- Audit log ----

async function showAudit(page) {
  const entries = (await api("GET", "/v1/admin/audit-log?limit=100")).data;
  page.append(el("h2", {}, "Audit log"),
    el("table", { id: "audit" }, el("caption", {}, "Newest first"),
      el("thead", {}, el("tr", {}, ["When", "Who", "Action", "Target", "Reason"].map((h) => el("th", { scope: "col" }, h)))),
      el("tbody", {}, entries.map((e) => el("tr", { "data-action": e.action, "data-target": e.targetId },
        el("td", {}, new Date(e.createdAt).toLocaleString()), el("td", {}, e.actor), el("td", {}, e.action),
        el("td", {}, `${e.targetType} ${e.targetId}`), el("td", {}, e.reason ?? "–"))))));
}

// ---- Start ----

document.addEventListener("DOMContentLoaded", () => {
  $("sign-in-form").addEventListener("submit", signIn);
  $("sign-out").addEventListener("click", () => signOut());
  window.addEventListener("hashchange", () => route());
  route();
});
