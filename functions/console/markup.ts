/**
 * The console's static body: headings, empty tables and the token prompt.
 * Nothing here comes from data; the script fills the tables and pictures
 * with DOM APIs after it has read the operator API.
 */
export const CONSOLE_BODY = `
<header class="top">
  <h1>Trục liên thông văn bản — operator console</h1>
  <p class="refreshed" id="refreshed" aria-live="polite">Not refreshed yet</p>
  <button type="button" id="refresh-now" hidden>Refresh now</button>
  <button type="button" id="forget-token" hidden>Forget token</button>
</header>
<div class="banner" id="banner" role="alert" hidden></div>
<section class="prompt" id="token-prompt" aria-labelledby="token-heading" hidden>
  <h2 id="token-heading">Operator token</h2>
  <p class="hint">Enter your operator token (<span class="id">lto_…</span>). It is kept in this
    tab only and sent to this axis alone.</p>
  <p class="error" id="token-error" role="alert" hidden></p>
  <form id="token-form" autocomplete="off">
    <label for="token-input">Token</label>
    <input id="token-input" name="token" type="password" autocomplete="off"
        spellcheck="false" required>
    <button type="submit" class="primary">Open the console</button>
  </form>
</section>
<main id="console" hidden>
  <section aria-labelledby="flow-heading">
    <h2 id="flow-heading">How documents travel now</h2>
    <div id="flow"></div>
  </section>
  <section aria-labelledby="queues-heading">
    <h2 id="queues-heading">Queues</h2>
    <table id="queues-table">
      <caption class="visually-hidden">
        Messages waiting in each queue and its dead-letter queue
      </caption>
      <thead><tr>
        <th scope="col">Queue</th>
        <th scope="col" class="num">Waiting</th>
        <th scope="col" class="num">In flight</th>
        <th scope="col" class="num">Delayed</th>
        <th scope="col" class="num">Dead letters</th>
      </tr></thead>
      <tbody></tbody>
    </table>
  </section>
  <section aria-labelledby="agencies-heading">
    <h2 id="agencies-heading">Agencies</h2>
    <table id="agencies-table">
      <caption class="visually-hidden">Each agency's connection to the axis</caption>
      <thead><tr>
        <th scope="col">Agency</th>
        <th scope="col">Channel</th>
        <th scope="col">State</th>
        <th scope="col">Last delivery</th>
        <th scope="col">Last poll</th>
        <th scope="col" class="num">Failures in a row</th>
        <th scope="col">Last failure</th>
      </tr></thead>
      <tbody></tbody>
    </table>
  </section>
  <section aria-labelledby="documents-heading">
    <h2 id="documents-heading">Recent documents</h2>
    <p class="hint">Select a document to see how it travelled.</p>
    <table id="documents-table">
      <caption class="visually-hidden">Documents the axis received most recently</caption>
      <thead><tr>
        <th scope="col">Document</th>
        <th scope="col">Received</th>
        <th scope="col">Sender</th>
        <th scope="col">State</th>
        <th scope="col">Recipients and their status</th>
      </tr></thead>
      <tbody></tbody>
    </table>
    <p><button type="button" id="more-documents" hidden>Show older documents</button></p>
  </section>
  <section id="document-detail" aria-labelledby="detail-heading" hidden>
    <h2 id="detail-heading">Document</h2>
    <dl class="facts" id="detail-facts"></dl>
    <h3>Each recipient</h3>
    <div class="pictures" id="detail-pictures"></div>
    <h3>Timeline</h3>
    <ol class="timeline" id="detail-timeline"></ol>
    <details>
      <summary>The timeline as the API answered it</summary>
      <pre id="detail-raw"></pre>
    </details>
  </section>
</main>
`;
