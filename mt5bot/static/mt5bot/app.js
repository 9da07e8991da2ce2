/* mt5bot pages: live rows over a websocket, local times, the webhook URL box.
   Rows arrive as server-rendered fragments (the same templates the pages use),
   so this file only places them. */
(() => {
  "use strict";

  const $ = (selector, root = document) => root.querySelector(selector);
  const $$ = (selector, root = document) => Array.from(root.querySelectorAll(selector));

  // --- CSRF: a pushed fragment goes to every page, so it carries no token ---
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (form.method.toLowerCase() !== "post" || $("input[name=csrfmiddlewaretoken]", form)) return;
    const input = document.createElement("input");
    input.type = "hidden";
    input.name = "csrfmiddlewaretoken";
    input.value = $('meta[name="csrf-token"]').content;
    form.appendChild(input);
  }, true);

  // --- times ---------------------------------------------------------------
  const two = (n) => String(n).padStart(2, "0");
  const clock = (d) => `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
  const day = (d) => `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`;
  const parse = (text) => (text ? Date.parse(text) : NaN);

  function span(ms) {
    if (ms < 1000) return `+${Math.round(ms)} ms`;
    if (ms < 60000) return `+${(ms / 1000).toFixed(1)} s`;
    return `+${Math.round(ms / 60000)} min`;
  }

  function age(seconds) {
    if (seconds < 60) return `${Math.max(0, Math.floor(seconds))}s ago`;
    if (seconds < 3600) return `${Math.floor(seconds / 60)}m ago`;
    if (seconds < 86400) return `${Math.floor(seconds / 3600)}h ago`;
    return `${Math.floor(seconds / 86400)}d ago`;
  }

  function localize(root) {
    for (const el of $$("time[data-local]", root)) {
      const at = new Date(parse(el.dateTime));
      if (Number.isNaN(at.getTime())) continue;
      el.title = at.toString();
      el.textContent = el.dataset.local === "datetime" ? `${day(at)} ${clock(at)}` : clock(at);
    }
    for (const list of $$(".changes", root)) {
      const times = $$("time", list);
      const first = parse(times[0] && times[0].dateTime);
      times.slice(1).forEach((el) => {
        const ms = parse(el.dateTime) - first;
        if (!Number.isNaN(ms)) el.textContent = span(ms);
      });
    }
    ages(root);
  }

  function ages(root = document) {
    const now = Date.now();
    for (const el of $$("time[data-age]", root)) {
      const at = parse(el.dateTime);
      if (!Number.isNaN(at)) el.textContent = age((now - at) / 1000);
    }
  }

  // --- placing rows ----------------------------------------------------------
  function fragment(html) {
    const template = document.createElement("template");
    template.innerHTML = html.trim();
    return template.content.firstElementChild;
  }

  function flash(el) {
    el.classList.remove("flash");
    void el.offsetWidth; // restart the animation
    el.classList.add("flash");
  }

  let unseen = 0;

  function placeSignal(table, row) {
    const current = $(`#signal-${row.id}`, table);
    if (current) {
      // An older render arriving late (another process sent it) never
      // undoes a newer one: statuses only move forward.
      if (Number(current.dataset.progress) > row.progress) return;
      const fresh = fragment(row.html);
      current.replaceWith(fresh);
      localize(fresh);
      return;
    }
    const shown = $$("tbody.signal", table);
    const newest = shown.length ? Number(shown[0].dataset.signal) : 0;
    if (table.dataset.liveInsert !== "1") {
      if (row.id > newest) unseen += 1;
      return;
    }
    const older = shown.find((el) => Number(el.dataset.signal) < row.id);
    const limit = Number(table.dataset.liveLimit) || 50;
    if (!older && shown.length >= limit) return; // older than the whole page
    const fresh = fragment(row.html);
    table.insertBefore(fresh, older || null);
    localize(fresh);
    flash(fresh);
    $("tbody.empty", table).hidden = true;
    $$("tbody.signal", table).slice(limit).forEach((el) => el.remove());
  }

  function placeSignals(rows) {
    for (const table of $$("[data-live-signals]")) {
      for (const row of rows) placeSignal(table, row);
    }
    const notice = $("#new-alerts");
    if (notice && unseen) {
      notice.hidden = false;
      $("span", notice).textContent = `${unseen} new alert${unseen === 1 ? "" : "s"} since this page loaded.`;
    }
  }

  function removeSignals(ids) {
    for (const id of ids) {
      const el = $(`#signal-${id}`);
      if (el) el.remove();
    }
  }

  function placeAccounts(rows, complete) {
    const body = $("[data-live-accounts]");
    if (!body) return;
    const seen = new Set();
    for (const row of rows) {
      seen.add(row.login);
      const current = $(`#account-${row.login}`, body);
      if (row.deleted) {
        if (current) current.remove();
        continue;
      }
      const fresh = fragment(`<table><tbody>${row.html}</tbody></table>`).querySelector("tr");
      // A trader halfway through confirming a delete keeps the open dialog.
      if (current && $("details[open]", current)) continue;
      if (current) current.replaceWith(fresh);
      else {
        const after = $$("tr.account", body).find((el) => el.dataset.login > row.login);
        body.insertBefore(fresh, after || $("tr.empty", body));
      }
      localize(fresh);
      if (current && current.dataset.status !== fresh.dataset.status) flash(fresh);
    }
    if (complete) {
      $$("tr.account", body).filter((el) => !seen.has(el.dataset.login)).forEach((el) => el.remove());
    }
    $("tr.empty", body).hidden = $$("tr.account", body).length > 0;
  }

  // --- the websocket -----------------------------------------------------------
  let cursor = document.body.dataset.cursor || "";
  const state = $("#live-state");

  function show(name) {
    if (!state) return;
    state.dataset.state = name;
    state.textContent = name;
  }

  function advance(next) {
    if (next && (!cursor || parse(next) > parse(cursor))) cursor = next;
  }

  function handle(message) {
    if (message.type === "snapshot") {
      placeAccounts(message.accounts, true);
      placeSignals(message.signals);
    } else if (message.type === "signals") {
      placeSignals(message.signals);
    } else if (message.type === "accounts") {
      placeAccounts(message.accounts, false);
    } else if (message.type === "removed") {
      removeSignals(message.signals);
    }
    advance(message.cursor);
    document.dispatchEvent(new CustomEvent("mt5bot:live", { detail: message }));
  }

  // Refused before it opened: logged out (go to the login page), or the
  // server is away (try again). The login page redirects a logged-in user.
  async function checkSession() {
    try {
      const answer = await fetch("/login/", { redirect: "manual", cache: "no-store" });
      if (answer.status === 200) {
        const next = encodeURIComponent(location.pathname + location.search);
        location.assign(`/login/?next=${next}`);
      }
    } catch (error) {
      /* the server is down: the next attempt will tell */
    }
  }

  let failures = 0;

  function connect() {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const since = cursor ? `?since=${encodeURIComponent(cursor)}` : "";
    const socket = new WebSocket(`${scheme}//${location.host}/ws/live/${since}`);
    let opened = false;
    socket.addEventListener("open", () => {
      opened = true;
      failures = 0;
      show("live");
    });
    socket.addEventListener("message", (event) => handle(JSON.parse(event.data)));
    socket.addEventListener("close", () => {
      show("offline");
      if (!opened) checkSession();
      failures += 1;
      setTimeout(connect, Math.min(5000, 250 * 2 ** Math.min(failures, 5)));
    });
  }

  // --- the webhook URL -------------------------------------------------------
  let revealed = null;

  async function webhookUrl(button) {
    if (!revealed) {
      const answer = await fetch(button.dataset.url, { cache: "no-store" });
      revealed = (await answer.json()).url;
    }
    return revealed;
  }

  async function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return;
    }
    const area = document.createElement("textarea");
    area.value = text;
    document.body.appendChild(area);
    area.select();
    document.execCommand("copy");
    area.remove();
  }

  document.addEventListener("click", async (event) => {
    const button = event.target.closest("[data-reveal], [data-copy]");
    if (!button) return;
    const box = $("#webhook-url");
    try {
      const url = await webhookUrl(button);
      if (button.hasAttribute("data-reveal")) {
        const hidden = box.textContent !== url;
        box.textContent = hidden ? url : box.dataset.masked;
        button.textContent = hidden ? "Hide" : "Reveal";
      } else {
        await copy(url);
        button.textContent = "Copied";
        setTimeout(() => { button.textContent = "Copy"; }, 1500);
      }
    } catch (error) {
      button.textContent = "Failed";
    }
  });

  document.addEventListener("DOMContentLoaded", () => {
    localize(document);
    setInterval(() => ages(), 1000);
    if (state) connect();
  });
})();
