/**
 * The console's browser script, inlined in the page and allowed by its hash.
 *
 * It is plain JavaScript for the browser (no backticks, so it can live in
 * this template). It reads the operator API with the token the operator
 * typed, kept in sessionStorage only, and builds every element with DOM
 * APIs: agency names, reasons and ids come from outside and are only ever
 * set as text or attribute values, never parsed as HTML.
 */
export const CONSOLE_SCRIPT = `
(() => {
  'use strict';

  const TOKEN_KEY = 'lienthong.operatorToken';
  const REFRESH_MS = 15000;
  const PAGE_SIZE = 25;
  const SVG_NS = 'http://www.w3.org/2000/svg';

  /** The path of a document at one recipient, as the picture draws it. */
  const STEPS = [
    { key: 'received', label: 'received' },
    { key: 'verified', label: 'verified' },
    { key: 'delivered', label: 'delivered' },
    { key: '01', label: '01', name: 'Đã đến' },
    { key: '03', label: '03', name: 'Đã tiếp nhận' },
    { key: '04', label: '04', name: 'Phân công' },
    { key: '05', label: '05', name: 'Đang xử lý' },
    { key: '06', label: '06', name: 'Hoàn thành' },
  ];
  const STATUS_RANK = { '01': 1, '03': 2, '04': 3, '05': 4, '06': 5 };

  const CONNECTION_CLASS = {
    connected: 'state-ok',
    degraded: 'state-warn',
    disconnected: 'state-bad',
    unknown: 'state-unknown',
  };
  const DOCUMENT_CLASS = {
    received: 'state-unknown',
    verified: 'state-ok',
    rejected: 'state-bad',
  };
  const DELIVERY_CLASS = {
    delivered: 'state-ok',
    pending: 'state-unknown',
    sending: 'state-unknown',
    retrying: 'state-warn',
    dead: 'state-bad',
  };

  const view = {
    selectedDocumentId: null,
    documentsCursor: undefined,
    timer: undefined,
    loading: false,
    lastRefreshed: undefined,
    /** Agency names by id, from the last agencies answer, to name senders and recipients. */
    names: new Map(),
  };

  const byId = (id) => document.getElementById(id);

  // ---- building elements -------------------------------------------------

  function append(node, children) {
    for (const child of [children].flat(Number.POSITIVE_INFINITY)) {
      if (child === undefined || child === null || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function setAttributes(node, attributes) {
    for (const name of Object.keys(attributes || {})) {
      const value = attributes[name];
      if (value === undefined || value === null || value === false) continue;
      if (name === 'text') node.textContent = String(value);
      else node.setAttribute(name, String(value));
    }
    return node;
  }

  function h(tag, attributes, children) {
    return append(setAttributes(document.createElement(tag), attributes), children);
  }

  function s(tag, attributes, children) {
    return append(setAttributes(document.createElementNS(SVG_NS, tag), attributes), children);
  }

  function clear(node) {
    node.replaceChildren();
    return node;
  }

  function badge(text, stateClass) {
    return h('span', { class: 'badge ' + stateClass, text: text });
  }

  // ---- time ----------------------------------------------------------------

  function pad(n) {
    return String(n).padStart(2, '0');
  }

  function formatInstant(iso) {
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) return String(iso);
    return (
      date.getFullYear() + '-' + pad(date.getMonth() + 1) + '-' + pad(date.getDate()) + ' ' +
      pad(date.getHours()) + ':' + pad(date.getMinutes()) + ':' + pad(date.getSeconds())
    );
  }

  function ago(iso) {
    const ms = Date.now() - new Date(iso).getTime();
    if (!Number.isFinite(ms)) return '';
    const minutes = Math.round(ms / 60000);
    if (minutes < 1) return 'just now';
    if (minutes < 60) return minutes + ' min ago';
    const hours = Math.round(minutes / 60);
    if (hours < 48) return hours + ' h ago';
    return Math.round(hours / 24) + ' days ago';
  }

  function timeCell(iso) {
    if (!iso) return h('span', { class: 'empty', text: 'never' });
    return h('time', { datetime: iso, title: iso }, [
      formatInstant(iso),
      h('span', { class: 'name', text: ago(iso) }),
    ]);
  }

  // ---- the operator API ----------------------------------------------------

  class ApiError extends Error {
    constructor(kind, status, message) {
      super(message);
      this.kind = kind;
      this.status = status;
    }
  }

  function token() {
    return sessionStorage.getItem(TOKEN_KEY) || '';
  }

  async function getJson(path) {
    const url = new URL(path, window.location.href);
    let response;
    try {
      response = await fetch(url, {
        headers: { authorization: 'Bearer ' + token(), accept: 'application/json' },
        cache: 'no-store',
        credentials: 'omit',
        redirect: 'error',
      });
    } catch {
      throw new ApiError('network', 0, 'the axis cannot be reached (network error)');
    }
    let body = null;
    try {
      body = await response.json();
    } catch {
      body = null;
    }
    if (response.status === 401) {
      throw new ApiError('unauthorised', 401, 'the axis refused this token (401)');
    }
    if (!response.ok) {
      const error = body && body.error ? body.error : {};
      const detail = [error.code, error.message].filter(Boolean).join(': ');
      throw new ApiError('http', response.status, 'the axis answered ' + response.status +
        (detail ? ' ' + detail : '') + (error.requestId ? ' (request ' + error.requestId +
          ')' : ''));
    }
    return body;
  }

  // ---- the token -----------------------------------------------------------

  function askForToken(message) {
    stopTimer();
    byId('console').hidden = true;
    byId('refresh-now').hidden = true;
    byId('forget-token').hidden = true;
    hideBanner();
    byId('token-prompt').hidden = false;
    const error = byId('token-error');
    error.textContent = message || '';
    error.hidden = !message;
    const input = byId('token-input');
    input.value = '';
    input.focus();
  }

  function showConsole() {
    byId('token-prompt').hidden = true;
    byId('console').hidden = false;
    byId('refresh-now').hidden = false;
    byId('forget-token').hidden = false;
  }

  byId('token-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const value = byId('token-input').value.trim();
    if (!value) {
      askForToken('Enter a token.');
      return;
    }
    sessionStorage.setItem(TOKEN_KEY, value);
    byId('token-input').value = '';
    showConsole();
    refresh();
  });

  byId('forget-token').addEventListener('click', () => {
    sessionStorage.removeItem(TOKEN_KEY);
    view.selectedDocumentId = null;
    askForToken();
  });

  byId('refresh-now').addEventListener('click', () => refresh());

  // ---- errors --------------------------------------------------------------

  function showBanner(text) {
    const banner = byId('banner');
    banner.textContent = text;
    banner.hidden = false;
  }

  function hideBanner() {
    const banner = byId('banner');
    banner.textContent = '';
    banner.hidden = true;
  }

  /** True when the failure was handled by asking for the token again. */
  function handleFailures(failures) {
    if (failures.some((error) => error.kind === 'unauthorised')) {
      sessionStorage.removeItem(TOKEN_KEY);
      askForToken('The axis refused this token (401). Enter a valid operator token.');
      return true;
    }
    if (failures.length === 0) {
      hideBanner();
      return false;
    }
    const since = view.lastRefreshed
      ? ' Showing what was read at ' + formatInstant(view.lastRefreshed.toISOString()) + '.'
      : '';
    if (failures.some((error) => error.kind === 'network')) {
      showBanner('Network error: the axis cannot be reached. Trying again every 15 s.' + since);
    } else {
      const messages = Array.from(new Set(failures.map((error) => error.message)));
      showBanner('Error: ' + messages.join('; ') + '.' + since);
    }
    return false;
  }

  function asApiError(reason) {
    return reason instanceof ApiError ? reason : new ApiError('script', 0, String(reason));
  }

  // ---- refreshing ----------------------------------------------------------

  function stopTimer() {
    if (view.timer !== undefined) clearTimeout(view.timer);
    view.timer = undefined;
  }

  function scheduleRefresh() {
    stopTimer();
    if (token()) view.timer = setTimeout(refresh, REFRESH_MS);
  }

  async function refresh() {
    if (!token()) {
      askForToken();
      return;
    }
    if (view.loading) return;
    view.loading = true;
    showConsole();
    try {
      const reads = [
        getJson('v1/operator/agencies'),
        getJson('v1/operator/queues'),
        getJson('v1/operator/documents?limit=' + PAGE_SIZE),
      ];
      if (view.selectedDocumentId) {
        reads.push(getJson('v1/operator/documents/' + encodeURIComponent(view.selectedDocumentId)));
      }
      const [agencies, queues, documents, selected] = await Promise.allSettled(reads);
      const failures = [agencies, queues, documents, selected]
        .filter((result) => result && result.status === 'rejected')
        .map((result) => asApiError(result.reason));
      if (handleFailures(failures)) return;
      const agencyList = agencies.status === 'fulfilled' ? agencies.value : undefined;
      const queueList = queues.status === 'fulfilled' ? queues.value : undefined;
      if (agencyList) renderAgencies(agencyList);
      if (queueList) renderQueues(queueList);
      if (agencyList || queueList) renderFlow(agencyList, queueList);
      if (documents.status === 'fulfilled') renderDocuments(documents.value, false);
      if (selected && selected.status === 'fulfilled') renderDocument(selected.value);
      if (failures.length === 0) {
        view.lastRefreshed = new Date();
        renderRefreshed();
      }
    } finally {
      view.loading = false;
      scheduleRefresh();
    }
  }

  function renderRefreshed() {
    const iso = view.lastRefreshed.toISOString();
    const line = clear(byId('refreshed'));
    append(line, [
      'Last refreshed ',
      h('time', { id: 'refreshed-at', datetime: iso, text: formatInstant(iso) }),
      ' · every 15 s',
    ]);
  }

  // ---- agencies --------------------------------------------------------------

  function connectionBadge(state) {
    const known = Object.prototype.hasOwnProperty.call(CONNECTION_CLASS, state);
    return badge(known ? state : 'unknown', known ? CONNECTION_CLASS[state] : 'state-unknown');
  }

  function channelText(channel) {
    if (!channel) return '';
    if (channel.mode === 'webhook') return channel.url ? 'webhook ' + channel.url : 'webhook';
    if (channel.mode === 'inbox') return 'pull inbox';
    return String(channel.mode);
  }

  function failureCell(connection) {
    if (!connection.lastFailure && !connection.lastFailureAt) {
      return h('span', { class: 'empty', text: 'none' });
    }
    return [
      h('span', { class: 'reason', text: connection.lastFailure || 'failed' }),
      connection.lastFailureAt ? h('span', { class: 'name' },
        timeCell(connection.lastFailureAt)) : null,
    ];
  }

  function connectionRow(rowId, title, subtitle, channel, connection, national) {
    const failures = Number(connection.consecutiveFailures || 0);
    return h('tr', { class: national ? 'national' : undefined, 'data-agency-id': rowId }, [
      h('th', { scope: 'row' }, [
        h('span', { class: 'id', text: title }),
        subtitle ? h('span', { class: 'name', text: subtitle }) : null,
      ]),
      h('td', { class: 'channel', text: channel }),
      h('td', { class: 'connection' }, connectionBadge(connection.state)),
      h('td', {}, timeCell(connection.lastDeliveryAt)),
      h('td', {}, timeCell(connection.lastPollAt)),
      h('td', { class: 'num failures' + (failures > 0 ? ' alert-count' : ''),
        text: String(failures) }),
      h('td', {}, failureCell(connection)),
    ]);
  }

  function renderAgencies(answer) {
    const body = clear(byId('agencies-table').tBodies[0]);
    const items = answer.items || [];
    view.names = new Map(items.map((agency) => [agency.agencyId, agency.name]));
    if (answer.nationalAxis) {
      body.append(connectionRow(answer.nationalAxis.agencyId, 'national axis',
        'link to the national document exchange axis', 'national axis',
          answer.nationalAxis.connection, true));
    }
    for (const agency of items) {
      body.append(connectionRow(agency.agencyId, agency.agencyId, agency.name,
        channelText(agency.channel), agency.connection || { state: 'unknown' }, false));
    }
    if (!answer.nationalAxis && items.length === 0) {
      body.append(h('tr', {}, h('td', { colspan: 7, class: 'empty',
        text: 'No agency is registered.' })));
    }
  }

  // ---- queues ----------------------------------------------------------------

  function deadLetters(queue) {
    return queue && queue.deadLetter ? Number(queue.deadLetter.visible || 0) : 0;
  }

  function renderQueues(answer) {
    const body = clear(byId('queues-table').tBodies[0]);
    for (const queue of answer.queues || []) {
      const dead = deadLetters(queue);
      body.append(h('tr', { 'data-queue': queue.queue,
        class: dead > 0 ? 'has-dead-letters' : undefined }, [
        h('th', { scope: 'row', text: queue.queue + ' queue' }),
        h('td', { class: 'num waiting', text: String(queue.visible) }),
        h('td', { class: 'num in-flight', text: String(queue.inFlight) }),
        h('td', { class: 'num delayed', text: String(queue.delayed || 0) }),
        h('td', { class: 'num' }, h('span', {
          class: 'dead-letters' + (dead > 0 ? ' nonzero' : ''),
          text: dead > 0 ? dead + ' — needs attention' : '0',
        })),
      ]));
    }
  }

  // ---- the flow picture --------------------------------------------------------

  /** A rounded box with lines of text; each line is text or {text, class}. */
  function box(x, y, width, height, lines, extraClass, title) {
    const group = s('g', { class: 'flow-box' }, [
      title ? s('title', { text: title }) : null,
      s('rect', { x: x, y: y, width: width, height: height, rx: 8,
        class: 'box ' + (extraClass || '') }),
    ]);
    lines.forEach((line, index) => {
      const text = typeof line === 'string' ? line : line.text;
      const lineClass = typeof line === 'string' ? (index === 0 ? 'label-strong' : 'muted') :
        line.class;
      group.append(s('text', {
        x: x + width / 2,
        y: y + 20 + index * 16,
        'text-anchor': 'middle',
        class: lineClass,
        text: text,
      }));
    });
    return group;
  }

  function arrow(x1, y1, x2, y2, extraClass) {
    return s('line', {
      x1: x1, y1: y1, x2: x2, y2: y2,
      class: 'arrow ' + (extraClass || ''),
      'marker-end': extraClass === 'dlq' ? 'url(#arrowhead-dlq)' : 'url(#arrowhead)',
    });
  }

  function marker(id, colour) {
    return s('marker', {
      id: id, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7,
      orient: 'auto-start-reverse',
    }, s('path', { d: 'M0,0 L10,5 L0,10 z', fill: colour }));
  }

  function queueOf(queues, name) {
    return ((queues && queues.queues) || []).find((queue) => queue.queue === name);
  }

  function depthLabel(queue) {
    if (!queue) return 'depth unknown';
    return queue.visible + ' waiting · ' + queue.inFlight + ' in flight';
  }

  function queueSentence(queue, name) {
    if (!queue) return 'the ' + name + ' queue (depth unknown)';
    return 'the ' + name + ' queue (' + depthLabel(queue) + ', ' + deadLetters(queue) +
      ' dead letters)';
  }

  /** The arrow between two steps, labelled with its queue's depths, and its dead-letter queue. */
  function queueArrow(svg, queue, name, x1, x2, y) {
    const middle = (x1 + x2) / 2;
    const dead = deadLetters(queue);
    svg.append(s('g', { class: 'queue-arrow', 'data-queue': name }, [
      s('title', { text: queueSentence(queue, name) }),
      arrow(x1, y, x2 - 2, y),
      s('text', { x: middle, y: y - 22, 'text-anchor': 'middle', class: 'label-strong',
        text: name + ' queue' }),
      s('text', { x: middle, y: y - 7, 'text-anchor': 'middle', class: 'depth',
        text: depthLabel(queue) }),
      arrow(middle, y + 4, middle, y + 50, 'dlq'),
      box(middle - 72, y + 54, 144, 42, [
        name + ' dead letters',
        { text: dead > 0 ? dead + ' — needs attention' : '0',
          class: 'depth' + (dead > 0 ? ' nonzero' : '') },
      ], 'dlq' + (dead > 0 ? ' nonzero' : ''),
        dead + ' messages in the ' + name + ' dead-letter queue'),
    ]));
  }

  function countStates(items) {
    const counts = { connected: 0, degraded: 0, disconnected: 0, unknown: 0 };
    for (const item of items) {
      const state = item.connection ? item.connection.state : 'unknown';
      counts[Object.prototype.hasOwnProperty.call(counts, state) ? state : 'unknown'] += 1;
    }
    return counts;
  }

  function renderFlow(agencies, queues) {
    const verify = queueOf(queues, 'verify');
    const route = queueOf(queues, 'route');
    const list = (agencies && agencies.items) || [];
    const counts = countStates(list);
    const national =
      agencies && agencies.nationalAxis ? agencies.nationalAxis.connection : undefined;
    const summary =
      'Documents go from agency software to submit, through ' + queueSentence(verify, 'verify') +
      ' to verify, through ' + queueSentence(route, 'route') + ' to route, then to ' + list.length +
      ' agencies (' + counts.connected + ' connected, ' + counts.degraded + ' degraded, ' +
      counts.disconnected + ' disconnected, ' + counts.unknown + ' unknown)' +
      (national
        ? ' and to the national axis (' + national.state + ').'
        : '; no national axis link.');
    const svg = s('svg', {
      viewBox: '0 0 1000 200', width: 1000, height: 200, role: 'img', 'aria-label': summary,
      id: 'flow-picture',
    }, [
      s('title', { text: summary }),
      s('defs', {}, [marker('arrowhead', '#424a53'), marker('arrowhead-dlq', '#b42318')]),
    ]);
    svg.append(box(5, 30, 135, 50, ['submit', 'POST /v1/documents']));
    queueArrow(svg, verify, 'verify', 140, 300, 55);
    svg.append(box(300, 30, 110, 50, ['verify', 'receipt or refusal']));
    queueArrow(svg, route, 'route', 410, 580, 55);
    svg.append(box(580, 30, 110, 50, ['route', 'webhook or inbox']));
    const troubled = counts.degraded + counts.disconnected;
    svg.append(arrow(690, 50, 806, 50));
    svg.append(box(810, 15, 180, 70, [
      list.length + ' agencies',
      counts.connected + ' connected · ' + counts.degraded + ' degraded',
      counts.disconnected + ' disconnected · ' + counts.unknown + ' unknown',
    ], troubled > 0 ? 'agencies-bad' : '', 'agencies: ' + counts.connected + ' connected, ' +
      counts.degraded + ' degraded, ' + counts.disconnected + ' disconnected, ' + counts.unknown +
        ' unknown'));
    svg.append(arrow(690, 68, 806, 130, national ? '' : 'muted-arrow'));
    svg.append(box(810, 110, 180, 50,
      ['national axis', national ? national.state : 'not linked'],
      national && national.state !== 'connected' ? 'agencies-bad' : '',
      national
        ? 'national axis link: ' + national.state
        : 'this axis is not linked to the national axis'));
    clear(byId('flow')).append(svg);
  }

  // ---- recent documents ----------------------------------------------------------

  function agencyLabel(agencyId) {
    const name = view.names.get(agencyId);
    return [
      h('span', { class: 'id', text: agencyId }),
      name ? h('span', { class: 'name', text: name }) : null,
    ];
  }

  function deliveryBadge(delivery) {
    const state = delivery && delivery.state ? delivery.state : 'pending';
    return badge(state, DELIVERY_CLASS[state] || 'state-unknown');
  }

  function recipientLine(recipient) {
    const status = recipient.currentStatus;
    return h('li', { 'data-agency-id': recipient.agencyId }, [
      h('span', { class: 'id', text: recipient.agencyId }),
      ' ',
      deliveryBadge(recipient.delivery),
      ' ',
      status
        ? h('span', { class: 'status', text: status.code + (status.name ? ' ' + status.name : '') })
        : h('span', { class: 'empty', text: 'no status yet' }),
    ]);
  }

  function documentRow(item) {
    const select = () => selectDocument(item.documentId);
    const row = h('tr', {
      class: 'selectable' + (item.documentId === view.selectedDocumentId ? ' selected' : ''),
      'data-document-id': item.documentId,
    }, [
      h('th', { scope: 'row' }, [
        h('button', { type: 'button', class: 'link',
          'aria-label': 'Show document ' + item.documentId, text: item.documentId }),
        item.edxmlDocumentId ? h('span', { class: 'name', text: item.edxmlDocumentId }) : null,
      ]),
      h('td', {}, timeCell(item.createdAt)),
      h('td', {}, agencyLabel(item.sender)),
      h('td', {}, badge(item.state, DOCUMENT_CLASS[item.state] || 'state-unknown')),
      h('td', {}, h('ul', { class: 'recipients' }, (item.recipients || []).map(recipientLine))),
    ]);
    row.addEventListener('click', select);
    return row;
  }

  function renderDocuments(answer, more) {
    const body = byId('documents-table').tBodies[0];
    if (!more) clear(body);
    const items = answer.items || [];
    for (const item of items) body.append(documentRow(item));
    if (!more && items.length === 0) {
      body.append(h('tr', {}, h('td', { colspan: 5, class: 'empty', text: 'No document yet.' })));
    }
    view.documentsCursor = answer.cursor;
    byId('more-documents').hidden = !answer.cursor;
  }

  byId('more-documents').addEventListener('click', async () => {
    if (!view.documentsCursor) return;
    try {
      const answer = await getJson('v1/operator/documents?limit=' + PAGE_SIZE + '&cursor=' +
        encodeURIComponent(view.documentsCursor));
      renderDocuments(answer, true);
    } catch (error) {
      handleFailures([asApiError(error)]);
    }
  });

  async function selectDocument(documentId) {
    view.selectedDocumentId = documentId;
    for (const row of byId('documents-table').tBodies[0].rows) {
      row.classList.toggle('selected', row.getAttribute('data-document-id') === documentId);
    }
    try {
      renderDocument(await getJson('v1/operator/documents/' + encodeURIComponent(documentId)));
      byId('document-detail').scrollIntoView({ block: 'start' });
    } catch (error) {
      handleFailures([asApiError(error)]);
    }
  }

  // ---- one document --------------------------------------------------------------

  /** When each step of the path was reached at this recipient, or undefined. */
  function stepsOf(timeline, recipient) {
    const reached = {};
    reached.received = timeline.createdAt;
    if (timeline.verifiedAt) reached.verified = timeline.verifiedAt;
    const delivery = recipient.delivery || { state: 'pending' };
    if (delivery.state === 'delivered') reached.delivered = delivery.deliveredAt || 'delivered';
    let highest = 0;
    for (const status of recipient.statuses || []) {
      const rank = STATUS_RANK[status.statusCode];
      if (rank && rank > highest) highest = rank;
      if (rank && !reached[status.statusCode]) reached[status.statusCode] = status.receivedAt;
    }
    // Statuses may skip steps: a later one means the earlier ones are behind it.
    for (const code of Object.keys(STATUS_RANK)) {
      if (STATUS_RANK[code] <= highest && !reached[code]) reached[code] = 'implied';
    }
    if (highest > 0 && !reached.delivered) reached.delivered = 'implied';
    return reached;
  }

  function stepTitle(step, when, delivery) {
    const name = step.label + (step.name ? ' ' + step.name : '');
    if (when === 'implied') return name + ': passed (a later status was reported)';
    if (when === 'delivered') return name + ': reached';
    if (when) return name + ': ' + formatInstant(when) + ' (' + when + ')';
    if (step.key === 'delivered' && delivery) {
      const attempts = delivery.attempts ? ', ' + delivery.attempts + ' attempts' : '';
      const reason = delivery.lastError ? ', last error: ' + delivery.lastError : '';
      return name + ': ' + delivery.state + attempts + reason;
    }
    return name + ': not reached';
  }

  function recipientPicture(timeline, recipient) {
    const reached = stepsOf(timeline, recipient);
    const delivery = recipient.delivery || { state: 'pending' };
    const refused = (recipient.statuses || []).find((status) => status.statusCode === '02');
    const spacing = 105;
    const width = 40 + spacing * (STEPS.length - 1) + 60;
    const reachedNames = STEPS.filter((step) => reached[step.key]).map((step) => step.label);
    const missing = STEPS.filter((step) => !reached[step.key]).map((step) => step.label);
    const label = 'Path of the document to ' + recipient.agencyId + ': reached ' +
      (reachedNames.join(', ') || 'nothing') + (missing.length ? '; not yet ' +
        missing.join(', ') : '') +
      (delivery.state === 'dead' || delivery.state === 'retrying' ? '; delivery ' +
        delivery.state : '') +
      (refused ? '; refused with 02' : '') + '.';
    const svg = s('svg', {
      viewBox: '0 0 ' + width + ' 80', width: width, height: 80, role: 'img', 'aria-label': label,
      class: 'recipient-path', 'data-agency-id': recipient.agencyId,
    }, s('title', { text: label }));
    STEPS.forEach((step, index) => {
      const x = 30 + index * spacing;
      if (index > 0) {
        const edgeReached = Boolean(reached[step.key]);
        svg.append(s('line', { x1: x - spacing + 12, y1: 28, x2: x - 12, y2: 28,
          class: 'edge' + (edgeReached ? ' reached' : '') }));
      }
      let state = reached[step.key] ? 'reached' : 'pending';
      if (step.key === 'delivered' && !reached.delivered) {
        if (delivery.state === 'dead') state = 'failed';
        else if (delivery.state === 'retrying') state = 'waiting';
      }
      const stateText = { reached: 'reached', pending: 'not reached', failed: 'delivery dead',
        waiting: 'retrying' }[state];
      svg.append(s('g', { class: 'step-node', 'data-step': step.key, 'data-state': state }, [
        s('title', { text: stepTitle(step, reached[step.key], delivery) }),
        s('circle', { cx: x, cy: 28, r: 10, class: 'step ' + state }),
        s('text', { x: x, y: 56, 'text-anchor': 'middle',
          class: state === 'reached' ? 'label-strong' : 'muted', text: step.label }),
        s('text', { x: x, y: 72, 'text-anchor': 'middle', class: 'muted',
          text: state === 'reached' ? '' : stateText }),
      ]));
    });
    const caption = [
      agencyLabel(recipient.agencyId),
      deliveryBadge(delivery),
      recipient.currentStatus ? ' current status ' + recipient.currentStatus.code +
        (recipient.currentStatus.name ? ' ' + recipient.currentStatus.name : '') : '',
      refused ? ' · refused (02)' : '',
    ];
    return h('figure', {}, [h('figcaption', {}, caption), svg]);
  }

  function timelineEvents(timeline) {
    const events = [{ at: timeline.createdAt, text: 'received from ' + timeline.sender }];
    if (timeline.verifiedAt) events.push({ at: timeline.verifiedAt,
      text: timeline.state === 'rejected' ? 'refused at verification' : 'verified' });
    if (timeline.rejection) {
      events.push({
        at: timeline.verifiedAt || timeline.createdAt,
        text: 'refused: ' + timeline.rejection.code + ' ' + timeline.rejection.message,
      });
    }
    for (const recipient of timeline.recipients || []) {
      const delivery = recipient.delivery || { state: 'pending' };
      if (delivery.state === 'delivered') {
        events.push({ at: delivery.deliveredAt,
          text: 'delivered to ' + recipient.agencyId + (delivery.via ? ' by ' +
          delivery.via : '') });
        const acknowledgement = delivery.acknowledgement;
        if (acknowledgement && acknowledgement.result === 'done') {
          events.push({ at: acknowledgement.at,
            text: recipient.agencyId + ' acknowledged it as done' });
        } else if (acknowledgement && acknowledgement.result === 'failed') {
          events.push({ at: acknowledgement.lastFailureAt,
            text: recipient.agencyId + ' acknowledged it as failed (' +
            acknowledgement.failureCount + ' times)' });
        }
      } else {
        events.push({ at: undefined,
          text: 'delivery to ' + recipient.agencyId + ': ' + delivery.state +
          (delivery.attempts ? ' after ' + delivery.attempts + ' attempts' : '') +
          (delivery.lastError ? ' (' + delivery.lastError + ')' : '') });
      }
      for (const status of recipient.statuses || []) {
        events.push({ at: status.receivedAt,
          text: 'status ' + status.statusCode + (status.statusName ? ' ' + status.statusName : '') +
          ' from ' + recipient.agencyId + (status.description ? ': ' + status.description : '') });
      }
    }
    // Instants are ISO-8601 text, which sorts in time order; what has not happened goes last.
    const key = (event) => event.at || '~';
    return events.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  }

  function fact(term, value) {
    return [h('dt', { text: term }), h('dd', {}, value)];
  }

  function renderDocument(timeline) {
    byId('document-detail').hidden = false;
    byId('detail-heading').textContent = 'Document ' + timeline.documentId;
    const facts = clear(byId('detail-facts'));
    for (const pair of [
      fact('edXML DocumentId', timeline.edxmlDocumentId || ''),
      fact('Sender', agencyLabel(timeline.sender)),
      fact('State', badge(timeline.state, DOCUMENT_CLASS[timeline.state] || 'state-unknown')),
      fact('Received', timeCell(timeline.createdAt)),
      fact('Verified', timeCell(timeline.verifiedAt)),
      fact('Size', (timeline.size || 0) + ' bytes'),
      fact('SHA-256', h('span', { class: 'id', text: timeline.sha256 || '' })),
    ]) {
      append(facts, pair);
    }
    const pictures = clear(byId('detail-pictures'));
    for (const recipient of timeline.recipients || []) pictures.append(recipientPicture(timeline,
      recipient));
    const list = clear(byId('detail-timeline'));
    for (const event of timelineEvents(timeline)) {
      const when = event.at
        ? h('time', { datetime: event.at, title: event.at, text: formatInstant(event.at) })
        : h('span', { class: 'empty', text: 'not yet' });
      list.append(h('li', {}, [when, ' — ', event.text]));
    }
    byId('detail-raw').textContent = JSON.stringify(timeline, null, 2);
  }

  // ---- start -----------------------------------------------------------------

  if (token()) refresh();
  else askForToken();
})();
`;
