// claimgraph explorer: hash-routed pages over the HTTP/JSON API (/v1/...), no framework.
// Routes: #/ · #/search?q= · #/entity/ID · #/statement/ID · #/claim/ID · #/source/ID ·
// #/trace/claim/ID · #/trace/statement/ID; every route takes as_of= and retracted=1.
"use strict";

const main = document.getElementById("main");

// The bearer token: the same tokens and roles as gRPC. `make run` prints a link ending in
// #token=...; the page moves it into sessionStorage (this tab only, gone when it closes) and
// takes it out of the address, so it is neither bookmarked nor shared with the page's link.
const TOKEN_KEY = "claimgraph-token";
function takeTokenFromAddress() {
  const match = location.hash.match(/^#token=([^&]*)(?:&(.*))?$/);
  if (!match) return;
  sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(match[1]));
  document.getElementById("token").value = decodeURIComponent(match[1]);
  document.getElementById("token-box").open = false;
  history.replaceState(null, "", location.pathname + location.search + (match[2] ? "#" + match[2] : "#/"));
}

function route() {
  const hash = location.hash.replace(/^#/, "") || "/";
  const [path, query] = hash.split("?");
  const params = new URLSearchParams(query || "");
  return { parts: path.split("/").filter(Boolean).map(decodeURIComponent), params };
}

// The view settings every page carries: as_of and the retracted toggle.
function viewQuery(extra) {
  const { params } = route();
  const out = new URLSearchParams(extra || {});
  if (params.get("as_of")) out.set("as_of", params.get("as_of"));
  if (params.get("retracted") === "1") out.set("retracted", "1");
  const text = out.toString();
  return text ? "?" + text : "";
}
function link(page, id, text, extra) {
  const a = document.createElement("a");
  a.href = "#/" + page + (id !== undefined ? "/" + encodeURIComponent(id) : "") + viewQuery(extra);
  a.textContent = text;
  return a;
}

class ApiError extends Error {
  constructor(status, code, message) { super(message); this.status = status; this.code = code; }
}

async function api(path, query) {
  const { params } = route();
  const q = new URLSearchParams(query || {});
  if (params.get("as_of")) q.set("as_of", params.get("as_of"));
  const headers = {};
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) headers["Authorization"] = "Bearer " + token;
  const response = await fetch(path + (q.toString() ? "?" + q : ""), { headers });
  const text = await response.text();
  if (!response.ok) {
    let body = {};
    try { body = JSON.parse(text); } catch (e) { body = { message: text }; }
    throw new ApiError(response.status, body.code, body.message || response.statusText);
  }
  return path.endsWith(".svg") ? text : JSON.parse(text);
}
const retracted = () => route().params.get("retracted") === "1";
const inactive = () => (retracted() ? { include_inactive: "true" } : {});

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") node.className = v; else node.setAttribute(k, v);
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}
const words = (e, prefix) => (e || "").replace(prefix, "").toLowerCase().replace(/_/g, " ");
const day = (t) => (t ? t.slice(0, 10) : "?");
const num = (x) => (x === undefined ? 0 : Number(x));
const fixed = (x) => num(x).toFixed(3);
const plural = (n, noun) => `${num(n)} ${noun}${num(n) === 1 ? "" : "s"}`;

const nameCache = new Map();
async function entityName(id) {
  if (!nameCache.has(id)) {
    nameCache.set(id, api("/v1/entities/" + encodeURIComponent(id)).then((e) => e.name || id, () => id));
  }
  return nameCache.get(id);
}
const titleCache = new Map();
async function sourceTitle(id) {
  if (!titleCache.has(id)) {
    titleCache.set(id, api("/v1/sources/" + encodeURIComponent(id)).then((s) => s.title || id, () => id));
  }
  return titleCache.get(id);
}
async function valueText(value) {
  if (!value) return "-";
  if (value.entityId) return entityName(value.entityId);
  if (value.stringValue !== undefined) return "\u201c" + value.stringValue + "\u201d";
  if (value.integerValue !== undefined) return value.integerValue;
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.boolValue !== undefined) return String(value.boolValue);
  if (value.timestampValue) return day(value.timestampValue);
  if (value.quantityValue) return value.quantityValue.amount + " " + value.quantityValue.unit;
  if (value.someValue) return value.someValue.description || "something";
  return "nothing";
}
// The proposition in words: "Iran supplies drones to Russia [via: Caspian Sea]".
async function proposition(statement) {
  let text = (await entityName(statement.subjectId)) + " " + words(statement.predicate, "") + " " +
             (await valueText(statement.object));
  for (const q of statement.qualifiers || []) text += " [" + q.key + ": " + (await valueText(q.value)) + "]";
  return text;
}
// The same words with each entity (subject, object, qualifier values) a link to its page: names
// are shown, ids are only the links' targets.
async function linkedProposition(statement) {
  const part = async (value) => (value && value.entityId ? link("entity", value.entityId, await entityName(value.entityId))
                                                         : valueText(value));
  const parts = [link("entity", statement.subjectId, await entityName(statement.subjectId)),
                 " " + words(statement.predicate, "") + " ", await part(statement.object)];
  for (const q of statement.qualifiers || []) parts.push(" [" + q.key + ": ", await part(q.value), "]");
  return parts;
}
// An origin key (provenance.md, section 2) in words: an entity or document by name, as a link.
async function originKey(key, labels) {
  const colon = key.indexOf(":");
  const kind = key.slice(0, colon), id = key.slice(colon + 1);
  if (kind === "entity") return [link("entity", id, await entityName(id))];
  if (kind === "source") return ["the document ", link("source", id, labels.get(key) || await sourceTitle(id))];
  if (kind === "basis") return ["the basis \u201c" + id + "\u201d"];
  if (kind === "anonymous") return ["the unnamed claimant of ", link("claim", id, id)];
  return [key];
}
// A trace node ("claim:ID", "source:ID", "agent:ID") as a link to its page, by its label.
function nodeLink(key, labels) {
  const colon = key.indexOf(":");
  const kind = key.slice(0, colon), id = key.slice(colon + 1);
  const page = { claim: "claim", source: "source", agent: "entity" }[kind];
  const text = labels.get(key) || id;
  return page ? link(page, id, kind === "claim" ? id : text) : text;
}
function opinionBar(o) {
  return el("span", { class: "bar", "aria-hidden": "true" },
    el("span", { class: "b", style: `width:${num(o.belief) * 100}%` }),
    el("span", { class: "d", style: `width:${num(o.disbelief) * 100}%` }),
    el("span", { class: "u", style: `width:${num(o.uncertainty) * 100}%` }));
}
function opinionText(o, id) {
  const attrs = { "data-belief": num(o.belief), "data-disbelief": num(o.disbelief),
                  "data-uncertainty": num(o.uncertainty), "data-p": num(o.projectedProbability) };
  if (id) attrs.id = id;
  return el("span", attrs, opinionBar(o), ` belief ${fixed(o.belief)} · disbelief ${fixed(o.disbelief)}` +
            ` · uncertainty ${fixed(o.uncertainty)} · P=${num(o.projectedProbability).toFixed(2)}`);
}
function empty(what) {
  const at = route().params.get("as_of");
  return el("p", { id: "empty" }, `Nothing known about ${what}` + (at ? ` as of ${at}.` : "."));
}

// --- pages ---

async function homePage() {
  // Statistics need the admin role: a reader's page goes without them.
  const stats = await api("/v1/stats").catch((e) => { if (e.status === 403) return null; throw e; });
  main.append(el("h1", {}, "claimgraph explorer"),
    el("p", {}, "Search an entity by name or alias to see its statements, who said them first, how many independent origins back or dispute them, and the drawing of each claim's trace."));
  if (stats) main.append(el("p", { class: "muted" }, `${stats.entities || 0} entities, ${stats.claims || 0} claims, ${stats.statements || 0} statements.`));
}

async function searchPage(params) {
  const q = params.get("q") || "";
  document.getElementById("q").value = q;
  main.append(el("h1", {}, `Entities matching \u201c${q}\u201d`));
  const found = await api("/v1/entities:search", { query: q, limit: "50" });
  const list = el("ul", { id: "results" });
  for (const e of found.entities || []) {
    list.append(el("li", {}, link("entity", e.id, e.name || e.id), " ",
                   el("span", { class: "muted" }, e.type + (e.aliases ? " · also " + e.aliases.join(", ") : ""))));
  }
  main.append((found.entities || []).length ? list : empty(`\u201c${q}\u201d`));
  // Statements by name: those about the best matches (the first few, to keep the page bounded).
  const claims = [];
  for (const e of (found.entities || []).slice(0, 5)) {
    const about = await api("/v1/claims", { subject_id: e.id, page_size: "200", ...inactive() });
    claims.push(...(about.claims || []));
  }
  if (claims.length) main.append(el("h2", {}, "Statements about them"), await statementTable(claims));
}

// Statements grouped by predicate, with claims for and against.
async function statementTable(claims) {
  const byStatement = new Map();
  for (const c of claims) {
    if (!byStatement.has(c.statementId)) byStatement.set(c.statementId, { statement: c.statement, for: 0, against: 0, other: 0 });
    const s = byStatement.get(c.statementId);
    if (c.stance === "STANCE_SUPPORTS") s.for++; else if (c.stance === "STANCE_REFUTES") s.against++; else s.other++;
  }
  const byPredicate = new Map();
  for (const [id, s] of byStatement) {
    const p = s.statement.predicate;
    if (!byPredicate.has(p)) byPredicate.set(p, []);
    byPredicate.get(p).push([id, s]);
  }
  const table = el("table", {}, el("tr", {}, el("th", {}, "predicate"), el("th", {}, "statement"),
                                   el("th", {}, "for"), el("th", {}, "against"), el("th", {}, "discussing")));
  for (const [p, rows] of [...byPredicate].sort()) {
    for (const [id, s] of rows) {
      table.append(el("tr", {}, el("td", {}, words(p, "")), el("td", {}, link("statement", id, await proposition(s.statement))),
                      el("td", { class: "for" }, s.for), el("td", { class: "against" }, s.against), el("td", {}, s.other)));
    }
  }
  return byStatement.size ? table : el("p", { class: "muted" }, "None.");
}

async function entityPage(id) {
  let entity;
  try { entity = await api("/v1/entities/" + encodeURIComponent(id)); } catch (e) {
    if (e.status === 404) { main.append(empty(id)); return; }
    throw e;
  }
  main.append(el("h1", {}, entity.name || id),
    el("p", { class: "muted" }, `${entity.type} · ${id}` + (entity.aliases ? ` · also ${entity.aliases.join(", ")}` : "")),
    entity.description ? el("p", {}, entity.description) : null);
  const about = await api("/v1/claims", { subject_id: id, page_size: "500", ...inactive() });
  main.append(el("h2", {}, "Statements about " + (entity.name || id)), await statementTable(about.claims || []));
  const by = await api("/v1/entities/" + encodeURIComponent(id) + ":claims", inactive());
  const claimed = (by.claims || []).map((t) => t.claim).filter(Boolean);
  main.append(el("h2", {}, "What " + (entity.name || id) + " has claimed"), await statementTable(claimed));
  const contradictions = await api("/v1/contradictions", { entity_id: id });
  main.append(el("h2", {}, "Contradictions"), contradictionList(contradictions.contradictions || []));
}

function contradictionList(items) {
  if (!items.length) return el("p", { class: "muted" }, "None found.");
  const list = el("ul", {});
  for (const c of items) {
    list.append(el("li", {}, el("span", { class: "flag" }, words(c.kind, "CONTRADICTION_KIND_")), " ",
                   link("statement", c.statementId, "statement"), c.otherStatementId ? " vs " : "",
                   c.otherStatementId ? link("statement", c.otherStatementId, "other statement") : null,
                   " ", el("span", { class: "muted" }, c.detail || "")));
  }
  return list;
}

async function statementPage(id) {
  let got;
  try { got = await api("/v1/statements/" + encodeURIComponent(id), inactive()); } catch (e) {
    if (e.status === 404) { main.append(el("h1", {}, "Statement " + id), empty("this statement")); return; }
    throw e;
  }
  const statementPath = "/v1/statements/" + encodeURIComponent(id);
  const [corroborated, who, trace, assessments, contradictions] = await Promise.all([
    api(statementPath + ":corroborate", inactive()), api(statementPath + ":whoSaid", inactive()),
    api(statementPath + ":trace", inactive()), api("/v1/assessments", { "target.statement_id": id }),
    api("/v1/contradictions", { statement_id: id })]);
  const claims = new Map((got.claims || []).map((c) => [c.id, c]));
  const t = trace.trace || {};
  const labels = new Map((t.nodes || []).map((n) => [n.key, n.label]));
  const claimLine = async (contribution) => {
    const c = claims.get(contribution.claimId) || {};
    const who = c.claimant && c.claimant.entityId ? await entityName(c.claimant.entityId) : "someone unnamed";
    return el("li", {}, link("claim", contribution.claimId, contribution.claimId), ` ${who} ${words(c.act, "CLAIM_ACT_")}`,
              el("span", { class: "muted" }, ` · said ${day(c.claimedAt)} · strength ${fixed(contribution.strength)}`));
  };
  main.append(el("h1", { id: "proposition" }, ...(await linkedProposition(got.statement))),
    el("p", { class: "muted" }, `${id} · ${got.claimCount || 0} claims: `, el("span", { class: "for" }, `${got.supportingCount || 0} for`), ", ",
       el("span", { class: "against" }, `${got.refutingCount || 0} against`), " · ", link("trace/statement", id, "trace drawing")));

  main.append(el("h2", {}, "Fused opinion"),
    el("p", {}, opinionText(corroborated.fused || {}, "fused")),
    el("p", { id: "origin-counts" }, el("span", { class: "for" }, `${plural(corroborated.originsFor, "independent origin")} for`), ", ",
       el("span", { class: "against" }, `${corroborated.originsAgainst || 0} against`),
       corroborated.singleOrigin ? el("span", { class: "flag" }, " · everything goes back to a single origin") : null));

  main.append(el("h2", {}, "Claims by independent origin"));
  const origins = el("div", { id: "origins" });
  for (const [i, o] of (corroborated.origins || []).entries()) {
    const box = el("section", { class: "origin", "data-keys": (o.keys || []).join(" ") },
      el("h3", {}, `Origin ${i + 1}`, o.circular ? el("span", { class: "flag" }, " · circular reporting") : null),
      el("p", { class: "muted joined" }, "Joined because they share: "),
      el("p", {}, "Contribution: ", opinionText(o.contribution || {})));
    const joined = box.querySelector(".joined");
    for (const [k, key] of (o.keys || []).entries()) joined.append(k ? ", " : "", ...(await originKey(key, labels)));
    if ((o.supporting || []).length) {
      const ul = el("ul", {});
      for (const c of o.supporting) ul.append(await claimLine(c));
      box.append(el("p", { class: "for" }, "For"), ul);
    }
    if ((o.refuting || []).length) {
      const ul = el("ul", {});
      for (const c of o.refuting) ul.append(await claimLine(c));
      box.append(el("p", { class: "against" }, "Against"), ul);
    }
    origins.append(box);
  }
  main.append(origins);
  if ((corroborated.discussingClaimIds || []).length) {
    const ul = el("ul", {});
    for (const cid of corroborated.discussingClaimIds) ul.append(el("li", {}, link("claim", cid, cid)));
    main.append(el("h2", {}, "Discussing (neither for nor against)"), ul);
  }

  main.append(el("h2", {}, "Who said it first"));
  const first = el("ul", { id: "first" });
  for (const cid of t.firstClaimIds || []) {
    const c = claims.get(cid) || {};
    const who = c.claimant && c.claimant.entityId ? await entityName(c.claimant.entityId) : "someone unnamed";
    first.append(el("li", {}, "First said by ", who, " on ", day(c.claimedAt), " (", link("claim", cid, cid), ")"));
  }
  for (const sid of t.firstSourceIds || []) {
    first.append(el("li", {}, "First appeared in ", link("source", sid, labels.get("source:" + sid) || await sourceTitle(sid))));
  }
  main.append(first);
  const attributions = el("table", {}, el("tr", {}, el("th", {}, "when"), el("th", {}, "who"), el("th", {}, "act"),
                                          el("th", {}, "stance"), el("th", {}, "reported in")));
  for (const a of who.attributions || []) {
    const c = a.claim || {};
    attributions.append(el("tr", {}, el("td", {}, day(c.claimedAt)),
      el("td", {}, a.claimant ? link("entity", a.claimant.id, a.claimant.name || a.claimant.id) : "someone unnamed"),
      el("td", {}, words(c.act, "CLAIM_ACT_")),
      el("td", { class: c.stance === "STANCE_REFUTES" ? "against" : c.stance === "STANCE_SUPPORTS" ? "for" : "" }, words(c.stance, "STANCE_")),
      el("td", {}, a.source ? link("source", a.source.id, a.source.title || a.source.id) : "-")));
  }
  main.append(el("h2", {}, "Everyone who said it"), attributions);

  main.append(el("h2", {}, "Flags"));
  const flags = el("ul", { id: "flags" });
  for (const f of t.flags || []) {
    flags.append(el("li", { class: "flag" }, words(f.kind, "TRACE_FLAG_KIND_"), ": ", nodeLink(f.nodeKey, labels),
                    f.relatedKey ? " (see " : "", f.relatedKey ? nodeLink(f.relatedKey, labels) : null, f.relatedKey ? ")" : "",
                    el("span", { class: "muted" }, f.detail ? " · " + f.detail : "")));
  }
  for (const c of t.cycles || []) {
    const li = el("li", { class: "flag" }, "circular reporting among ");
    for (const [i, sid] of (c.sourceIds || []).entries()) li.append(i ? ", " : "", nodeLink("source:" + sid, labels));
    flags.append(li);
  }
  main.append((t.flags || []).length || (t.cycles || []).length ? flags : el("p", { class: "muted" }, "None."));

  main.append(el("h2", {}, "Assessments"));
  const list = el("ul", {});
  for (const a of assessments.assessments || []) {
    list.append(el("li", {}, el("strong", {}, words(a.verdict, "VERDICT_")), a.verdictText ? ` (\u201c${a.verdictText}\u201d)` : "",
                   " by ", link("entity", a.assessorId, await entityName(a.assessorId)), ` on ${day(a.assessedAt)}`,
                   a.explanation ? el("span", { class: "muted" }, " · " + a.explanation) : null));
  }
  main.append((assessments.assessments || []).length ? list : el("p", { class: "muted" }, "None."));
  main.append(el("h2", {}, "Contradictions"), contradictionList(contradictions.contradictions || []));
}

async function claimPage(id) {
  let c;
  try { c = await api("/v1/claims/" + encodeURIComponent(id)); } catch (e) {
    if (e.status === 404) { main.append(el("h1", {}, "Claim " + id), empty("this claim")); return; }
    throw e;
  }
  const who = c.claimant && c.claimant.entityId ? link("entity", c.claimant.entityId, await entityName(c.claimant.entityId))
                                                : (c.claimant && c.claimant.someValue ? c.claimant.someValue.description : "someone unnamed");
  main.append(el("h1", {}, ...(await linkedProposition(c.statement))),
    el("p", {}, who, ` ${words(c.act, "CLAIM_ACT_")} it (${words(c.stance, "STANCE_")}, ${words(c.certainty, "CERTAINTY_")})`,
       ` on ${day(c.claimedAt)}`, c.status && c.status !== "CLAIM_STATUS_ACTIVE" ? el("span", { class: "flag" }, " · " + words(c.status, "CLAIM_STATUS_")) : null),
    c.quote ? el("blockquote", {}, c.quote.text) : null,
    el("p", {}, link("statement", c.statementId, "the statement and all its claims"),
       c.sourceId ? " · found in " : "", c.sourceId ? link("source", c.sourceId, await sourceTitle(c.sourceId)) : null,
       c.relaysClaimId ? " · relays " : "", c.relaysClaimId ? link("claim", c.relaysClaimId, c.relaysClaimId) : null));
  main.append(el("h2", {}, "Trace"), await drawing({ claim_id: id }));
}

async function sourcePage(id) {
  let s;
  try { s = await api("/v1/sources/" + encodeURIComponent(id)); } catch (e) {
    if (e.status === 404) { main.append(el("h1", {}, "Source " + id), empty("this source")); return; }
    throw e;
  }
  main.append(el("h1", {}, s.title || id),
    el("p", { class: "muted" }, `${words(s.kind, "SOURCE_KIND_")} · published ${day(s.declaredPublishedAt)} · first seen ${day(s.firstSeenAt)} · reliability ${words(s.reliability, "RELIABILITY_")}`),
    s.url ? el("p", {}, el("a", { href: s.url, rel: "noreferrer" }, s.url)) : null,
    s.publisherId ? el("p", {}, "Published by ", link("entity", s.publisherId, await entityName(s.publisherId))) : null);
  const found = await api("/v1/claims", { source_id: id, page_size: "500", ...inactive() });
  main.append(el("h2", {}, "Claims found in it"), await statementTable(found.claims || []));
}

async function drawing(query) {
  const box = el("div", { class: "drawing", id: "drawing" });
  try {
    box.innerHTML = await api("/explorer/trace.svg", { ...query, ...inactive() });
  } catch (e) {
    box.append(e.status === 404 ? empty("this trace") : el("p", { class: "error" }, e.message));
  }
  return box;
}

async function tracePage(kind, id) {
  main.append(el("h1", {}, `Trace of ${kind} ${id}`),
    el("p", {}, link(kind, id, "back to the " + kind), el("span", { class: "muted" }, " · click a node to open its page")),
    await drawing(kind === "claim" ? { claim_id: id } : { statement_id: id }));
}

async function render() {
  takeTokenFromAddress();
  const { parts, params } = route();
  document.getElementById("as-of").value = params.get("as_of") || "";
  document.getElementById("retracted").checked = params.get("retracted") === "1";
  main.replaceChildren();
  try {
    if (parts[0] === "search") await searchPage(params);
    else if (parts[0] === "entity") await entityPage(parts[1]);
    else if (parts[0] === "statement") await statementPage(parts[1]);
    else if (parts[0] === "claim") await claimPage(parts[1]);
    else if (parts[0] === "source") await sourcePage(parts[1]);
    else if (parts[0] === "trace") await tracePage(parts[1], parts[2]);
    else await homePage();
  } catch (e) {
    main.append(el("p", { class: "error", id: "error" }, `Error ${e.status || ""}: ${e.message}`));
    if (e.status === 401 || e.status === 403) {
      document.getElementById("token-box").open = true;
      main.append(el("p", { id: "token-help" }, e.status === 401
        ? "This server needs a bearer token: paste one under \u201cToken\u201d above (the admin token of a local server is in <data-dir>/admin.token), or open the link claimgraphd's `make run` prints."
        : "Your token's role does not allow this."));
    }
  }
  document.body.dataset.ready = location.hash;
}

document.getElementById("search-form").addEventListener("submit", (event) => {
  event.preventDefault();
  location.hash = "#/search" + viewQuery({ q: document.getElementById("q").value });
});
document.getElementById("view-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const { parts, params } = route();
  const asOf = document.getElementById("as-of").value.trim();
  if (asOf) params.set("as_of", asOf); else params.delete("as_of");
  if (document.getElementById("retracted").checked) params.set("retracted", "1"); else params.delete("retracted");
  location.hash = "#/" + parts.map(encodeURIComponent).join("/") + (params.toString() ? "?" + params : "");
});
const tokenInput = document.getElementById("token");
tokenInput.value = sessionStorage.getItem(TOKEN_KEY) || "";
tokenInput.addEventListener("change", () => {
  if (tokenInput.value.trim()) sessionStorage.setItem(TOKEN_KEY, tokenInput.value.trim());
  else sessionStorage.removeItem(TOKEN_KEY);
  render();
});
window.addEventListener("hashchange", render);
render();
