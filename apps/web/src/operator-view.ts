import { adminApi, ApiError, type AdminChannel, type AdminSession, type AuditEvent } from "./api.js";
import { h, replaceChildren } from "./dom.js";
import { clockTime, relative } from "./format.js";

const TOKEN_KEY = "rv.adminToken";

/**
 * The operator view, behind the admin token (kept for the browser session only): every
 * channel's state, boundary state, viewers, pending teardown and its deadline, restarts,
 * polled every second, with a stop through the teardown gate; sessions with filters and
 * terminate; the audit feed.
 */
export function mountOperator(root: HTMLElement): () => void {
  let dispose: () => void = () => {};
  const start = (message = ""): void => {
    dispose();
    dispose = () => {};
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (token === null) {
      signIn(root, message, () => start());
      return;
    }
    dispose = run(root, token, (refusal) => {
      sessionStorage.removeItem(TOKEN_KEY);
      start(refusal);
    });
  };
  start();
  return () => dispose();
}

function signIn(root: HTMLElement, message: string, done: () => void): void {
  const input = h("input", { id: "admin-token", type: "password", autocomplete: "off", placeholder: "admin token", size: 48 });
  const form = h(
    "form",
    { class: "signin", id: "signin" },
    h("h1", {}, "Operator"),
    h("p", {}, "Paste the admin token (printed at the first start, kept in ", h("code", {}, "data/admin-token"), ")."),
    input,
    h("button", { type: "submit" }, "Sign in"),
    h("p", { class: "error", id: "signin-error" }, message),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, input.value.trim());
    done();
  });
  replaceChildren(root, form);
}

function run(root: HTMLElement, token: string, refused: (message: string) => void): () => void {
  const api = adminApi(token);
  const channelsBody = h("tbody", { id: "operator-channels" });
  const sessionsBody = h("tbody", { id: "operator-sessions" });
  const feed = h("ol", { class: "feed", id: "audit-feed", reversed: true });
  const notice = h("p", { class: "status", id: "operator-status" });
  const filter = { state: "live", owner: "", reason: "" };
  const stateSelect = h("select", { id: "session-state" }, ...["live", "terminated", "all"].map((s) => h("option", { value: s }, s)));
  const ownerInput = h("input", { id: "session-owner", placeholder: "owner", size: 16 });
  const reasonSelect = h(
    "select",
    { id: "session-reason" },
    h("option", { value: "" }, "any reason"),
    ...["idle_timeout", "max_lifetime", "concurrency_limit", "user_requested", "admin_terminated", "host_shutdown"].map((r) => h("option", { value: r }, r)),
  );
  const applyFilter = (): void => {
    filter.state = stateSelect.value;
    filter.owner = ownerInput.value.trim();
    filter.reason = reasonSelect.value;
    void refreshSessions();
  };
  for (const control of [stateSelect, reasonSelect]) control.addEventListener("change", applyFilter);
  ownerInput.addEventListener("change", applyFilter);
  const signOut = h("button", { class: "link" }, "Sign out");
  signOut.addEventListener("click", () => refused(""));

  replaceChildren(
    root,
    h(
      "section",
      { class: "operator" },
      h("div", { class: "toolbar" }, h("h1", {}, "Operator"), notice, signOut),
      h("h2", {}, "Channels"),
      table(["Ch", "Name", "State", "Boundary", "Phase", "Viewers", "Teardown", "Restarts", "Fatal reason", ""], channelsBody),
      h("h2", {}, "Sessions"),
      h("div", { class: "filters" }, stateSelect, ownerInput, reasonSelect),
      table(["Id", "Owner", "State", "Created", "Last activity", "Streams", "Termination", ""], sessionsBody),
      h("h2", {}, "Audit feed"),
      feed,
    ),
  );

  let disposed = false;
  let afterSeq = 0;
  const events: AuditEvent[] = [];
  const fail = (error: unknown): void => {
    if (error instanceof ApiError && error.status === 401) refused("The token was refused (401).");
    else notice.textContent = `Update failed: ${(error as Error).message}`;
  };

  async function refreshChannels(): Promise<void> {
    try {
      const view = await api.channels();
      if (disposed) return;
      notice.textContent = `Updated ${clockTime(Date.parse(view.at), true)} · ${view.viewers} viewers`;
      replaceChildren(channelsBody, ...view.channels.map((c) => channelRow(c, Date.parse(view.at))));
    } catch (error) {
      fail(error);
    }
  }

  function channelRow(c: AdminChannel, nowMs: number): HTMLTableRowElement {
    const stop = h("button", { class: "stop", disabled: c.state === "idle", dataset: { channel: String(c.number) } }, "Stop");
    stop.addEventListener("click", () => {
      stop.disabled = true;
      stop.textContent = "Stopping…";
      api.stop(c.number).then(() => refreshChannels(), fail);
    });
    const teardown = c.teardownPending ? `pending (${c.teardownReason ?? "?"}), deadline ${c.teardownDeadline ? relative(Date.parse(c.teardownDeadline), nowMs) : "?"}` : "—";
    return h(
      "tr",
      { dataset: { channel: String(c.number), state: c.state } },
      h("td", {}, String(c.number)),
      h("td", {}, c.name),
      h("td", {}, h("span", { class: `state state-${c.state}` }, c.state)),
      h("td", {}, c.boundaryState ?? "—"),
      h("td", {}, c.phase ?? "—"),
      h("td", {}, String(c.viewers)),
      h("td", {}, teardown),
      h("td", {}, String(c.restartAttempts), c.nextRestartAt ? ` (next ${relative(Date.parse(c.nextRestartAt), nowMs)})` : ""),
      h("td", {}, c.fatalReason ?? ""),
      h("td", {}, stop),
    );
  }

  async function refreshSessions(): Promise<void> {
    try {
      const page = await api.sessions(filter);
      if (disposed) return;
      replaceChildren(sessionsBody, ...page.sessions.map(sessionRow));
    } catch (error) {
      fail(error);
    }
  }

  function sessionRow(s: AdminSession): HTMLTableRowElement {
    const terminate = h("button", { class: "terminate", disabled: s.termination !== null }, "Terminate");
    terminate.addEventListener("click", () => {
      terminate.disabled = true;
      api.terminate(s.id).then(() => refreshSessions(), fail);
    });
    return h(
      "tr",
      { dataset: { session: s.id } },
      h("td", { class: "mono" }, s.id.slice(0, 8)),
      h("td", {}, s.ownerId),
      h("td", {}, s.state),
      h("td", {}, clockTime(Date.parse(s.createdAt), true)),
      h("td", {}, clockTime(Date.parse(s.lastActivityAt), true)),
      h("td", {}, String(s.openStreams.length)),
      h("td", {}, s.termination ? `${s.termination.reason} by ${s.termination.actor}` : ""),
      h("td", {}, terminate),
    );
  }

  async function refreshFeed(): Promise<void> {
    try {
      const page = await api.events(afterSeq);
      if (disposed || page.events.length === 0) return;
      afterSeq = page.nextAfterSeq;
      events.unshift(...[...page.events].reverse());
      events.splice(200);
      replaceChildren(
        feed,
        ...events.map((e) => h("li", {}, h("time", {}, clockTime(Date.parse(e.at), true)), ` ${String(e.kind ?? "event")} `, h("span", { class: "mono" }, e.sessionId.slice(0, 8)), e.reason ? ` (${String(e.reason)})` : "", ` by ${String(e.actor ?? "?")}`)),
      );
    } catch (error) {
      fail(error);
    }
  }

  const tick = (): void => {
    void refreshChannels();
    void refreshFeed();
  };
  tick();
  void refreshSessions();
  const fast = window.setInterval(tick, 1_000);
  const slow = window.setInterval(() => void refreshSessions(), 5_000);
  return () => {
    disposed = true;
    window.clearInterval(fast);
    window.clearInterval(slow);
  };
}

function table(headings: readonly string[], body: HTMLTableSectionElement): HTMLTableElement {
  return h("table", {}, h("thead", {}, h("tr", {}, ...headings.map((t) => h("th", {}, t)))), body);
}
