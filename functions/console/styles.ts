/**
 * The console's one stylesheet, inlined in the page and allowed by its hash.
 * Only classes are used: the policy forbids `style` attributes.
 */
export const CONSOLE_STYLES = `
:root {
  color-scheme: light;
  --ink: #1b1f24;
  --muted: #57606a;
  --line: #d0d7de;
  --panel: #f6f8fa;
  --accent: #0b5cad;
  --ok: #1a7f37;
  --ok-bg: #dafbe1;
  --warn: #8a4b00;
  --warn-bg: #fff1c2;
  --bad: #b42318;
  --bad-bg: #ffe4e1;
  --unknown: #57606a;
  --unknown-bg: #eaeef2;
}
* { box-sizing: border-box; }
body {
  margin: 0;
  font: 15px/1.45 system-ui, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", Arial, sans-serif;
  color: var(--ink);
  background: #fff;
}
header.top {
  display: flex;
  flex-wrap: wrap;
  align-items: center;
  gap: 0.5rem 1.5rem;
  padding: 0.75rem 1.25rem;
  border-bottom: 1px solid var(--line);
  background: var(--panel);
}
header.top h1 { font-size: 1.25rem; margin: 0; flex: 1 1 auto; }
.refreshed { color: var(--muted); margin: 0; }
main, .prompt { padding: 0 1.25rem 2rem; max-width: 90rem; }
section { margin-top: 1.5rem; }
h2 { font-size: 1.1rem; margin: 0 0 0.5rem; }
h3 { font-size: 1rem; margin: 1rem 0 0.25rem; }
button {
  font: inherit;
  padding: 0.3rem 0.8rem;
  border: 1px solid var(--line);
  border-radius: 6px;
  background: #fff;
  color: var(--ink);
  cursor: pointer;
}
button:hover, button:focus-visible { border-color: var(--accent); }
button.primary { background: var(--accent); border-color: var(--accent); color: #fff; }
button.link {
  border: 0;
  padding: 0;
  background: none;
  color: var(--accent);
  text-decoration: underline;
  font-family: ui-monospace, "DejaVu Sans Mono", monospace;
  font-size: 0.85rem;
}
.banner {
  margin: 1rem 1.25rem 0;
  padding: 0.6rem 1rem;
  border: 1px solid var(--bad);
  border-radius: 6px;
  background: var(--bad-bg);
  color: var(--bad);
  font-weight: 600;
}
.prompt form { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; }
.prompt input {
  font: inherit;
  width: min(36rem, 100%);
  padding: 0.35rem 0.5rem;
  border: 1px solid var(--line);
  border-radius: 6px;
}
.prompt .error { color: var(--bad); font-weight: 600; }
.hint { color: var(--muted); margin: 0.25rem 0; }
table { border-collapse: collapse; width: 100%; }
th, td {
  text-align: left; vertical-align: top; padding: 0.35rem 0.6rem;
  border-bottom: 1px solid var(--line);
}
thead th { background: var(--panel); font-weight: 600; white-space: nowrap; }
tbody th { font-weight: 600; }
tr.national th, tr.national td { background: #f0f6ff; }
tr.selectable { cursor: pointer; }
tr.selectable:hover td, tr.selectable:hover th { background: #f3f8fe; }
tr.selected td, tr.selected th { background: #e6f0fb; }
.id { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 0.85rem; }
.name { display: block; color: var(--muted); font-size: 0.9rem; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
td > time, dd > time { white-space: nowrap; }
td.channel { overflow-wrap: anywhere; max-width: 18rem; }
td .reason { overflow-wrap: anywhere; }
.badge {
  display: inline-block;
  padding: 0.05rem 0.55rem;
  border-radius: 999px;
  border: 1px solid currentColor;
  font-size: 0.85rem;
  font-weight: 600;
  white-space: nowrap;
}
.badge::before { content: "●"; margin-right: 0.3rem; }
.state-ok { color: var(--ok); background: var(--ok-bg); }
.state-warn { color: var(--warn); background: var(--warn-bg); }
.state-bad { color: var(--bad); background: var(--bad-bg); }
.state-unknown { color: var(--unknown); background: var(--unknown-bg); }
.dead-letters { font-weight: 700; }
.dead-letters.nonzero {
  color: #fff; background: var(--bad); border-radius: 6px; padding: 0.1rem 0.5rem;
}
.alert-count { color: var(--bad); font-weight: 700; }
.recipients { list-style: none; margin: 0; padding: 0; }
.recipients li { margin: 0.1rem 0; }
.empty { color: var(--muted); font-style: italic; }
.pictures { display: grid; gap: 0.75rem; }
figure { margin: 0; padding: 0.5rem 0.75rem; border: 1px solid var(--line); border-radius: 8px; }
figcaption { font-weight: 600; margin-bottom: 0.25rem; }
svg { max-width: 100%; height: auto; font-family: inherit; }
svg text { font-size: 12px; fill: var(--ink); }
svg .step { stroke-width: 2; }
svg .step.reached { fill: var(--ok); stroke: var(--ok); }
svg .step.pending { fill: #fff; stroke: #8c959f; }
svg .step.failed { fill: var(--bad); stroke: var(--bad); }
svg .step.waiting { fill: var(--warn-bg); stroke: var(--warn); }
svg .edge { stroke: #8c959f; stroke-width: 2; }
svg .edge.reached { stroke: var(--ok); }
svg .box { fill: var(--panel); stroke: #6e7781; stroke-width: 1.5; }
svg .box.dlq { fill: #fff; }
svg .box.dlq.nonzero { fill: var(--bad-bg); stroke: var(--bad); stroke-width: 2.5; }
svg .box.agencies-bad { stroke: var(--bad); stroke-width: 2.5; }
svg .arrow { stroke: #424a53; stroke-width: 2; fill: none; }
svg .arrow.dlq { stroke: var(--bad); stroke-dasharray: 4 3; }
svg .arrow.muted-arrow { stroke: #afb8c1; stroke-dasharray: 4 3; }
svg .depth { font-weight: 700; }
svg .depth.nonzero { fill: var(--bad); }
svg .label-strong { font-weight: 700; }
svg .muted { fill: var(--muted); }
.timeline { margin: 0.25rem 0 0; padding-left: 1.25rem; }
.timeline li { margin: 0.15rem 0; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1rem; margin: 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
details pre { overflow: auto; max-height: 24rem; background: var(--panel); padding: 0.5rem; }
.visually-hidden {
  position: absolute;
  width: 1px;
  height: 1px;
  overflow: hidden;
  clip: rect(0 0 0 0);
  white-space: nowrap;
}
`;
