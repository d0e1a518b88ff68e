/* Samband console: reads the gateway's JSON API with a Bearer credential and draws it with DOM nodes.
 * Data only ever reaches the page through textContent / createTextNode / setAttribute (never as HTML).
 * The credential (the development key, or an access token that is not DPoP-bound) comes from the
 * start-up link's #key= fragment (never sent to a server) or the key form, and is kept in this tab's
 * sessionStorage. The gateway records who acted from the credential itself, never from the page. */
'use strict';

(function () {
  const KEY = 'samband.key';
  const STATUSES = ['received', 'held', 'routed', 'pending', 'delivered', 'stored', 'accepted', 'duplicate',
    'rejected', 'failed', 'refused'];
  const KINDS = ['message', 'translation', 'forward', 'apprec', 'feedback', 'replay', 'duplicate', 'ack'];
  const TRANSPORTS = ['http', 'ebxml-http', 'file-drop', 'nhn-msh'];
  const TARGET_FORMATS = ['fhir', 'plo', 'dialogmelding', 'ip-export', 'as-is'];
  const APPREC_STATUS = { '1': ['OK', 'ok'], '2': ['Avvist', 'rejected'], '3': ['OK, feil i delmelding', 'partial'] };
  const LINKED_KEYS = new Set(['output', 'replay', 'original', 'apprec', 'source', 'source_id', 'source_ref',
    'message', 'message_id', 'received', 'new_id', 'original_id', 'by', 'earlier', 'duplicate']);
  const MSG_ID_KEYS = new Set(['msg_id', 'waiting_for']);
  /* What a timeline entry about other messages means, for a reader who does not know the event names. */
  const EVENT_TEXT = {
    'changes': 'changes an earlier message (Forsendelsesstatus M or O)',
    'superseded': 'a later message changes this one',
    'cancels': 'cancels an earlier message (Forsendelsesstatus C)',
    'cancelled': 'a later message cancels this one',
    'refers-to': 'refers to an earlier message (RefToParent)',
    'referred-to': 'a later message refers to this one',
    'held-out-of-order': 'held: it came before the message it changes or cancels',
    'released': 'released from the hold',
    'original-unknown': 'taken in without the message it names, which never came here',
    'copy-received': 'received as copy receiver (kopimottaker), not as the receiver',
    'resend': 'the same message again: answered with the first AppRec, not delivered again',
    'duplicate': 'the same message again (receiver and copy receiver in one organisation): answered with the first AppRec, not delivered again',
    'repeated': 'this message came again',
    'msg-id-reused': 'another message already used this MsgId: taken in as a message of its own',
    'delivery.remote-status': 'what the NHN message service now says of it, per receiver: transport state and AppRec',
  };
  /* What a sender is answered when the gateway rejects its message, by the message's format. */
  const REFUSAL_ANSWER = {
    msghead: 'Hodemelding: a negative AppRec was sent',
    apprec: 'AppRec: refused with a coded answer (an AppRec is never answered with an AppRec)',
    ebxml: 'ebXML: answered with an ebXML MessageError (no AppRec)',
    fhir: 'FHIR: answered with an OperationOutcome (HTTP 422, no AppRec)',
    'ip-export': 'ip-export: answered with the coded errors (HTTP 422, no AppRec)',
    other: 'Other: answered with the coded errors (no AppRec)',
  };
  const SHOWN_MAX = 2 * 1024 * 1024;
  const FILTERS = [
    ['msg_id', 'MsgId'], ['conversation_id', 'Conversation'], ['patient', 'Patient'],
    ['sender_her', 'Sender HER-id'], ['receiver_her', 'Receiver HER-id'], ['type', 'Message type'],
    ['status', 'Status', STATUSES], ['direction', 'Direction', ['inbound', 'outbound']],
    ['kind', 'Kind', KINDS], ['source_id', 'Came from (message id)'],
    ['since', 'Received since', 'datetime'], ['until', 'Received before', 'datetime'],
  ];
  const AUDIT_ACTIONS = ['read-raw', 'read-message', 'read-events', 'read-apprec', 'search', 'fhir-read',
    'fhir-search', 'timeline', 'replay', 'replay-refused', 'bulk-replay', 'test-message', 'route-hold', 'route-release', 'login-refused', 'read-audit'];
  const AUDIT_FILTERS = [
    ['patient', 'Patient'], ['actor', 'Who (as recorded)'], ['action', 'Action', AUDIT_ACTIONS],
    ['target', 'Target (message id, Type/id, route)'],
    ['since', 'Since', 'datetime'], ['until', 'Before', 'datetime'],
  ];
  const PAGE = 50;
  let refreshTimer = null;

  /* ---------- DOM helpers (text only) ---------- */

  function el(tag, props, ...kids) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(props || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === 'text') node.textContent = String(value);
      else if (name === 'on') for (const [ev, fn] of Object.entries(value)) node.addEventListener(ev, fn);
      else if (value === true) node.setAttribute(name, '');
      else node.setAttribute(name, String(value));
    }
    append(node, kids);
    return node;
  }

  function append(node, kids) {
    for (const kid of [kids].flat(Infinity)) {
      if (kid === null || kid === undefined || kid === false) continue;
      node.appendChild(kid instanceof Node ? kid : document.createTextNode(String(kid)));
    }
    return node;
  }

  function replace(node, ...kids) {
    node.replaceChildren();
    return append(node, kids);
  }

  function link(href, text, props) {
    return el('a', Object.assign({ href: href }, props || {}), text);
  }

  function route(name, arg, params) {
    let hash = '#/' + name + (arg ? '/' + encodeURIComponent(arg) : '');
    const query = params ? new URLSearchParams(params).toString() : '';
    return query ? hash + '?' + query : hash;
  }

  function messageLink(id) {
    if (!id) return dash();
    return link(route('message', id), id.slice(0, 8) + '…', { class: 'mono', title: id });
  }

  function dash() {
    return el('span', { class: 'muted', 'aria-label': 'none' }, '—');
  }

  function badge(value) {
    const text = value === null || value === undefined ? 'unknown' : String(value);
    const cls = 'badge badge-' + text.toLowerCase().replace(/[^a-z-]/g, '');
    return el('span', { class: cls }, text);
  }

  function pad(n) {
    return String(n).padStart(2, '0');
  }

  function when(iso) {
    if (!iso) return dash();
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return String(iso);
    const shown = d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' ' +
      pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds());
    return el('time', { datetime: iso, title: d.toISOString() }, shown);
  }

  function value(v) {
    if (v === null || v === undefined || v === '') return dash();
    if (v instanceof Node) return v;
    if (typeof v === 'object') return el('span', { class: 'mono' }, JSON.stringify(v));
    return String(v);
  }

  function facts(pairs) {
    const dl = el('dl', { class: 'facts' });
    for (const [label, v] of pairs) append(dl, [el('dt', {}, label), el('dd', {}, value(v))]);
    return dl;
  }

  function table(caption, headers, rows, empty) {
    if (!rows.length) return el('p', { class: 'muted' }, empty || 'Nothing here.');
    const head = el('tr', {}, headers.map((h) => el('th', { scope: 'col' }, h)));
    const body = rows.map((cells) => el('tr', {}, cells.map((c) => cellOf(c))));
    return el('div', { class: 'table-wrap' },
      el('table', {}, caption ? el('caption', {}, caption) : null, el('thead', {}, head), el('tbody', {}, body)));
  }

  class Cell {
    constructor(content, cls, lang) {
      this.content = content;
      this.cls = cls || null;
      this.lang = lang || null;
    }
  }

  function cell(content, cls, lang) {
    return new Cell(content, cls, lang);
  }

  function cellOf(c) {
    if (c instanceof Cell) return el('td', { class: c.cls, lang: c.lang }, value(c.content));
    return el('td', {}, value(c));
  }

  function norwegian(text) {
    return text ? cell(text, 'wrap', 'no') : dash();
  }

  function setStatus(text) {
    document.getElementById('status').textContent = text || '';
  }

  /* ---------- the key and the API ---------- */

  class ApiError extends Error {
    constructor(status, message) {
      super(message);
      this.status = status;
    }
  }

  /* #key=K[&go=/message/ID]: keep the key in this tab, then drop it from the address. */
  function takeKeyFromFragment() {
    if (!/^#key=/.test(location.hash)) return;
    const given = new Map(location.hash.slice(1).split('&').map((part) => {
      const cut = part.indexOf('=');
      return cut < 0 ? [part, ''] : [part.slice(0, cut), decodeURIComponent(part.slice(cut + 1))];
    }));  // not URLSearchParams: a '+' in a key stays a '+'
    sessionStorage.setItem(KEY, given.get('key'));
    const go = (given.get('go') || '/messages').replace(/^#?\/?/, '#/');
    history.replaceState(null, '', location.pathname + location.search + go);
  }

  function showKeyPanel(problem) {
    const panel = document.getElementById('key-panel');
    const note = document.getElementById('key-problem');
    note.textContent = problem || '';
    note.hidden = !problem;
    panel.hidden = false;
    document.getElementById('view').hidden = true;
    document.getElementById('forget-key').hidden = true;
    document.getElementById('key-input').focus();
  }

  function hideKeyPanel() {
    document.getElementById('key-panel').hidden = true;
    document.getElementById('view').hidden = false;
    document.getElementById('forget-key').hidden = false;
  }

  async function api(path, options) {
    const opts = options || {};
    const key = sessionStorage.getItem(KEY);
    if (!key) {
      showKeyPanel('');
      throw new ApiError(401, 'no key');
    }
    const headers = { Authorization: 'Bearer ' + key };
    if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(path, {
      method: opts.method || 'GET',
      headers: headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      cache: 'no-store',
      credentials: 'omit',
    });
    if (response.status === 401) {
      sessionStorage.removeItem(KEY);
      showKeyPanel('The gateway refused the key or token (' + await problemOf(response) + '). Paste a current one.');
      throw new ApiError(401, 'the key was refused');
    }
    if (!response.ok && !opts.allowError) throw new ApiError(response.status, await problemOf(response));
    return response;
  }

  async function problemOf(response) {
    let text = '';
    try {
      text = await response.text();
      const body = JSON.parse(text);
      const first = (body.errors && body.errors[0]) || body.detail;
      if (first && typeof first === 'object') return [first.code, first.detail || first.message].filter(Boolean).join(': ');
      if (first) return String(first);
    } catch (_) {
      /* not JSON: show the text as it came */
    }
    return 'HTTP ' + response.status + (text ? ': ' + text.slice(0, 300) : '');
  }

  async function json(path, options) {
    return (await api(path, options)).json();
  }

  function queryPath(base, params) {
    const query = new URLSearchParams();
    for (const [name, v] of Object.entries(params)) {
      if (v === '' || v === null || v === undefined) continue;
      query.set(name, (name === 'since' || name === 'until') ? isoOf(v) : v);
    }
    return base + '?' + query.toString();
  }

  function messagesPath(params) {
    return queryPath('/messages', params);
  }

  function isoOf(local) {
    if (/[zZ]|[+-]\d\d:?\d\d$/.test(local)) return local;
    const d = new Date(local);
    return Number.isNaN(d.getTime()) ? local : d.toISOString();
  }

  /* ---------- documents: decode, indent ---------- */

  function decode(buffer, contentType) {
    const bytes = new Uint8Array(buffer);
    let label = ((contentType || '').match(/charset=["']?([\w.:-]+)/i) || [])[1];
    if (!label && bytes[0] === 0xFF && bytes[1] === 0xFE) label = 'utf-16le';
    if (!label && bytes[0] === 0xFE && bytes[1] === 0xFF) label = 'utf-16be';
    if (!label) {
      const head = new TextDecoder('latin1').decode(bytes.subarray(0, 400));
      label = (head.match(/^\uFEFF?\s*<\?xml[^>]*encoding=["']([\w.:-]+)["']/) || [])[1];
    }
    try {
      return new TextDecoder(label || 'utf-8').decode(bytes);
    } catch (_) {
      return new TextDecoder('utf-8').decode(bytes);
    }
  }

  function escText(s) {
    return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  }

  function indentXml(text) {
    const doc = new DOMParser().parseFromString(text, 'application/xml');
    if (doc.getElementsByTagName('parsererror').length) return null;
    const declaration = (text.match(/^\uFEFF?\s*(<\?xml[^>]*\?>)/) || [])[1];
    const out = declaration ? [declaration] : [];
    for (const node of doc.childNodes) writeNode(node, 0, out);
    return out.join('\n');
  }

  function writeNode(node, depth, out) {
    const indent = '  '.repeat(depth);
    if (node.nodeType === Node.ELEMENT_NODE) {
      const attrs = Array.from(node.attributes, (a) => ' ' + a.name + '="' + escText(a.value).replace(/"/g, '&quot;') + '"').join('');
      const kids = Array.from(node.childNodes).filter((k) => !(k.nodeType === Node.TEXT_NODE && !k.nodeValue.trim()));
      if (!kids.length) out.push(indent + '<' + node.nodeName + attrs + '/>');
      else if (kids.length === 1 && kids[0].nodeType === Node.TEXT_NODE) {
        out.push(indent + '<' + node.nodeName + attrs + '>' + escText(kids[0].nodeValue) + '</' + node.nodeName + '>');
      } else {
        out.push(indent + '<' + node.nodeName + attrs + '>');
        for (const kid of kids) writeNode(kid, depth + 1, out);
        out.push(indent + '</' + node.nodeName + '>');
      }
    } else if (node.nodeType === Node.TEXT_NODE) out.push(indent + escText(node.nodeValue.trim()));
    else if (node.nodeType === Node.CDATA_SECTION_NODE) out.push(indent + '<![CDATA[' + node.nodeValue + ']]>');
    else if (node.nodeType === Node.COMMENT_NODE) out.push(indent + '<!--' + node.nodeValue + '-->');
    else if (node.nodeType === Node.PROCESSING_INSTRUCTION_NODE) out.push(indent + '<?' + node.target + ' ' + node.data + '?>');
  }

  function indented(text, contentType) {
    const trimmed = text.trimStart();
    if (/json/i.test(contentType || '') || trimmed.startsWith('{') || trimmed.startsWith('[')) {
      try {
        return JSON.stringify(JSON.parse(text), null, 2);
      } catch (_) {
        return null;
      }
    }
    return trimmed.startsWith('<') ? indentXml(text) : null;
  }

  /* A document fetched on first opening: indented when it parses, as received on request, downloadable. */
  function documentBox(title, path, fileStem) {
    const box = el('details', { class: 'card' }, el('summary', {}, title));
    let loaded = false;
    box.addEventListener('toggle', async () => {
      if (!box.open || loaded) return;
      loaded = true;
      const body = el('div', {}, el('p', { class: 'muted' }, 'Loading…'));
      box.appendChild(body);
      try {
        const response = await api(path);
        const contentType = response.headers.get('Content-Type') || '';
        const buffer = await response.arrayBuffer();
        replace(body, documentView(decode(buffer, contentType), contentType, buffer, fileStem));
      } catch (err) {
        replace(body, el('p', { class: 'problem' }, err.message));
      }
    });
    return box;
  }

  function documentView(text, contentType, buffer, fileStem) {
    const pretty = indented(text, contentType);
    const pre = el('pre', { class: 'doc', tabindex: '0' });
    const show = (s) => {
      pre.textContent = s.length > SHOWN_MAX ? s.slice(0, SHOWN_MAX) + '\n… (cut; download for the whole document)' : s;
    };
    show(pretty || text);
    const toggle = el('button', { type: 'button', class: 'secondary', 'aria-pressed': pretty ? 'false' : 'true' },
      'Show as received');
    toggle.disabled = !pretty;
    toggle.addEventListener('click', () => {
      const raw = toggle.getAttribute('aria-pressed') === 'false';
      toggle.setAttribute('aria-pressed', raw ? 'true' : 'false');
      show(raw ? text : pretty);
    });
    const download = el('button', { type: 'button', class: 'secondary' }, 'Download');
    download.addEventListener('click', () => {
      const ext = /json/i.test(contentType) ? '.json' : /xml/i.test(contentType) ? '.xml' : '.bin';
      const a = el('a', { href: URL.createObjectURL(new Blob([buffer], { type: contentType })), download: fileStem + ext });
      a.click();
      setTimeout(() => URL.revokeObjectURL(a.href), 1000);
    });
    const info = el('span', { class: 'muted' }, (contentType || 'unknown type') + ', ' + buffer.byteLength + ' bytes');
    return [el('div', { class: 'actions' }, toggle, download, info), pre];
  }

  /* ---------- message tables ---------- */

  function direction(d) {
    return el('span', { class: 'dir' }, d === 'inbound' ? '↓ in' : d === 'outbound' ? '↑ out' : String(d || '?'));
  }

  function parties(m) {
    return el('span', { class: 'mono' }, (m.sender_her || '?') + ' → ' + (m.receiver_her || '?'));
  }

  function patientLink(p) {
    return p ? link(route('patient', p), p, { class: 'mono' }) : dash();
  }

  /* A long identifier cut to its start; the whole of it on hover (and on the message page). */
  function shortMono(v) {
    if (!v) return null;
    return el('span', { class: 'mono', title: v }, v.length > 13 ? v.slice(0, 12) + '…' : v);
  }

  function messageRows(items) {
    return items.map((m) => [
      messageLink(m.id), cell(when(m.received_at), 'time'),
      cell(el('span', {}, direction(m.direction), ' ', m.kind), 'nowrap'), m.type, badge(m.status),
      shortMono(m.msg_id), patientLink(m.patient), parties(m), cell(m.route, 'nowrap'), messageLink(m.source_id),
    ]);
  }

  const MESSAGE_HEADERS = ['Id', 'Received', 'Direction, kind', 'Type', 'Status', 'MsgId', 'Patient',
    'Sender → receiver HER', 'Route', 'Came from'];

  function messageTable(caption, items, empty) {
    return table(caption, MESSAGE_HEADERS, messageRows(items), empty);
  }

  /* ---------- views ---------- */

  function heading(text, ...extra) {
    return el('h1', { tabindex: '-1' }, text, extra);
  }

  /* The filters of a list view (``fields``: [name, label, kind]), kept in the address of ``view``. */
  function filterForm(params, fields, view, label) {
    const form = el('form', { class: 'card', 'aria-label': label });
    const grid = el('div', { class: 'filters' });
    for (const [name, label, kind] of fields) {
      const id = 'f-' + name;
      let input;
      if (Array.isArray(kind)) {
        input = el('select', { id: id, name: name }, el('option', { value: '' }, 'any'),
          kind.map((k) => el('option', { value: k, selected: params.get(name) === k }, k)));
      } else {
        const datetime = kind === 'datetime';
        input = el('input', { id: id, name: name, type: datetime ? 'datetime-local' : 'search',
          step: datetime ? '1' : null, autocomplete: 'off' });
        input.value = params.get(name) || '';
      }
      grid.appendChild(el('label', { for: id }, label, input));
    }
    const clear = el('button', { type: 'button', class: 'secondary' }, 'Clear');
    clear.addEventListener('click', () => { location.hash = route(view); });
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const chosen = {};
      for (const [name, v] of new FormData(form).entries()) if (v) chosen[name] = v;
      location.hash = route(view, null, chosen);
    });
    return append(form, [grid, el('div', { class: 'actions' }, el('button', { type: 'submit' }, 'Search'), clear)]);
  }

  async function viewMessages(root, _arg, params) {
    const offset = Math.max(0, parseInt(params.get('offset') || '0', 10) || 0);
    const filters = {};
    for (const [name] of FILTERS) if (params.get(name)) filters[name] = params.get(name);
    const auto = el('input', { type: 'checkbox', id: 'auto-refresh', checked: params.get('auto') === '1' });
    auto.addEventListener('change', () => {
      location.hash = route('messages', null, Object.assign({}, filters, auto.checked ? { auto: '1' } : {}));
    });
    const results = el('div', {}, el('p', { class: 'muted' }, 'Loading…'));
    append(root, [heading('Messages'), filterForm(params, FILTERS, 'messages', 'Search messages'),
      el('p', {}, auto, ' ', el('label', { for: 'auto-refresh' }, 'Refresh every 10 seconds')), results]);
    const page = await json(messagesPath(Object.assign({}, filters, { limit: PAGE, offset: offset })));
    const [caption, pager] = paging('messages', page, offset, filters, auto.checked ? { auto: '1' } : {});
    replace(results, messageTable(caption, page.items, 'No message matches these filters.'), pager,
      Object.keys(filters).length && page.total ? bulkBox(filters) : null);
    if (params.get('auto') === '1') refreshTimer = setTimeout(render, 10000);
  }

  /* The caption (“1–50 of 120, newest first”) and the Newer / Older links of one page of a list. */
  function paging(view, page, offset, filters, extra) {
    const last = Math.min(page.offset + page.items.length, page.total);
    const caption = page.total ? `${page.offset + 1}–${last} of ${page.total}, newest first` : '';
    const pager = el('div', { class: 'actions' });
    const go = (to) => Object.assign({}, filters, to ? { offset: to } : {}, extra || {});
    if (offset > 0) pager.appendChild(link(route(view, null, go(Math.max(0, offset - PAGE))), '← Newer'));
    if (last < page.total) pager.appendChild(link(route(view, null, go(offset + PAGE)), 'Older →'));
    return [caption, pager];
  }

  async function viewMessage(root, id) {
    const m = await json('/messages/' + encodeURIComponent(id));
    const env = m.envelope || {};
    append(root, [
      heading('Message ', el('span', { class: 'mono' }, m.id), ' ', badge(m.status)),
      el('p', {}, direction(m.direction), ' · ', m.kind, ' · ', m.format || 'unknown format', ' · ', m.type || 'no type'),
      m.error ? el('div', { class: 'problem', role: 'alert' }, el('strong', {}, 'Error'),
        facts(Object.entries(m.error).filter(([, v]) => v !== null && v !== undefined))) : null,
      el('h2', {}, 'Envelope'), el('div', { class: 'card' }, facts(envelopeFacts(m, env))),
    ]);
    const derived = el('div', {}, el('p', { class: 'muted' }, 'Loading…'));
    const timeline = el('div', {}, el('p', { class: 'muted' }, 'Loading…'));
    append(root, [
      el('h2', {}, 'Issues'), issuesTable(m.issues || []),
      el('h2', {}, 'Translations'), translationsTable(m.translations || []),
      el('h2', {}, 'Deliveries'), deliveriesOf(m.deliveries || []),
      el('h2', {}, 'Application receipts (AppRec)'), receiptsOf(m),
      el('h2', {}, 'Derived messages'), derived,
      el('h2', {}, 'Timeline'), timeline,
      el('h2', {}, 'Document'), documentBox('Raw document as stored', '/messages/' + encodeURIComponent(m.id) + '/raw', m.id),
      el('h2', {}, 'Replay'), replayForm(m),
    ]);
    const [children, events] = await Promise.all([
      json(messagesPath({ source_id: m.id, limit: 100 })),
      json('/messages/' + encodeURIComponent(m.id) + '/events'),
    ]);
    replace(derived, messageTable(null, children.items, 'No message was derived from this one.'));
    replace(timeline, eventList(events.events || []));
  }

  /* The core facts always; the optional ones only when the message has them. */
  function envelopeFacts(m, env) {
    const conv = m.conversation_id;
    const all = [
      ['MsgId', m.msg_id], ['Message type', m.type], ['Version', env.version],
      ['Sender HER-id', m.sender_her], ['Receiver HER-id', m.receiver_her], ['Patient', patientLink(m.patient)],
      ['Conversation', conv ? link(route('messages', null, { conversation_id: conv }), conv) : null],
      ['Answers / refers to', env.parent_ref ? link(route('messages', null, { msg_id: env.parent_ref }), env.parent_ref) : null],
      ['Came from', m.source_id ? messageLink(m.source_id) : null],
      ['Route', m.route], ['CPA', env.cpa_id], ['ebXML MessageId', env.ebxml_message_id],
      ['ebXML ConversationId', env.ebxml_conversation_id], ['Received', when(m.received_at)],
      ['Completed', m.completed_at ? when(m.completed_at) : null], ['Size', m.size + ' bytes'],
      ['SHA-256', el('span', { class: 'mono' }, m.sha256)],
    ];
    return all.filter(([, v], i) => i < 6 || (v !== null && v !== undefined));
  }

  function errorText(e) {
    if (!e || typeof e !== 'object') return e;
    return e.code ? el('span', {}, el('code', {}, e.code), e.detail ? ': ' + e.detail : '') : e;
  }

  function issuesTable(issues) {
    return table(null, ['Severity', 'Code', 'Where', 'Text', 'Text for the sender (Norwegian)'],
      issues.map((i) => [badge(i.severity), el('code', {}, i.code || ''), cell(i.path, 'wrap mono'),
        cell(i.text, 'wrap'), norwegian(i.text_no)]), 'No issues.');
  }

  function translationsTable(rows) {
    return table(null, ['Route', 'Target format', 'Output', 'Issues'],
      rows.map((t) => [t.route, t.target_format, messageLink(t.output_id), (t.issues || []).length]), 'No translations.');
  }

  function deliveriesOf(list) {
    if (!list.length) return el('p', { class: 'muted' }, 'No deliveries.');
    return list.map((d) => el('div', { class: 'card' },
      el('h3', {}, 'Route ', d.route, ' ', badge(d.status)), outboxNote(d),
      facts([['Message sent', messageLink(d.message_id)], ['Transport', d.transport], ['Endpoint', d.endpoint],
        ['Target format', d.target_format], ['Attempts made', d.attempts_made],
        ['Next attempt', d.next_attempt_at ? when(d.next_attempt_at) : null],
        ['Delivered', d.delivered_at ? when(d.delivered_at) : null], ['Last error', errorText(d.last_error)]]),
      table('Attempts', ['#', 'Started', 'Finished', 'Outcome', 'Error code', 'Worker', 'Detail'],
        (d.attempts || []).map((a) => [a.attempt, when(a.started_at), when(a.finished_at), badge(a.outcome),
          a.error_code, a.worker, cell(a.detail && typeof a.detail === 'object' ? pairs(a.detail) : a.detail, 'wrap')]), 'No attempt yet.')));
  }

  /* A delivery by the built-in outbox route (no route file): say where its file went. */
  function outboxNote(d) {
    if (d.transport !== 'file-drop') return null;
    const slot = el('div', {});
    json('/routes').then((data) => {
      if (data.defaults && data.defaults.outbox_route === d.route) replace(slot, defaultsNote(data.defaults));
    }).catch(() => { /* the note is a help, the delivery facts stand without it */ });
    return slot;
  }

  function receiptsOf(m) {
    const parts = [];
    if (m.apprec) {
      parts.push(receiptCard('Sent by the gateway', m.apprec));
      parts.push(documentBox('AppRec document', '/messages/' + encodeURIComponent(m.id) + '/apprec', m.apprec.id));
    }
    if (m.apprec_received) parts.push(receiptCard('Received from the receiver', m.apprec_received));
    return parts.length ? parts : el('p', { class: 'muted' }, 'No AppRec for this message.');
  }

  function receiptCard(title, r) {
    const [text, cls] = APPREC_STATUS[r.status] || [String(r.status), 'other'];
    const status = el('span', {}, el('span', { class: 'badge badge-' + cls }, text), ' (code ', r.status, ')');
    const asRead = el('div');
    if ((r.errors || []).length) fillErrorsAsRead(asRead, r.id);
    return el('div', { class: 'card' }, el('h3', {}, title),
      facts([['AppRec', messageLink(r.id)], ['Status', status], ['At', when(r.at)]]),
      table('Errors', ['Code', 'Text', 'Details'], (r.errors || []).map(receiptError), 'No errors.'), asRead);
  }

  /* AppRec Error V / DN / OT (code system 8221) exactly as the other party reads them, from the document. */
  async function fillErrorsAsRead(box, apprecId) {
    try {
      const response = await api('/messages/' + encodeURIComponent(apprecId) + '/raw');
      const text = decode(await response.arrayBuffer(), response.headers.get('Content-Type'));
      const doc = new DOMParser().parseFromString(text, 'application/xml');
      const errors = Array.from(doc.getElementsByTagNameNS('*', 'Error'));
      if (!errors.length || doc.getElementsByTagName('parsererror').length) return;
      replace(box, table('As written in the AppRec (Error V, DN, OT)', ['Code', 'Meaning', 'Text'],
        errors.map((e) => [e.getAttribute('V'), norwegian(e.getAttribute('DN')), norwegian(e.getAttribute('OT'))])));
    } catch (_) {
      /* the gateway's own summary above still stands */
    }
  }

  function receiptError(e) {
    if (typeof e !== 'object' || e === null) return [dash(), norwegian(String(e)), dash()];
    const code = e.code || e.V || e.v;
    const text = e.text || e.DN || e.dn || e.OT || e.ot;
    const rest = Object.fromEntries(Object.entries(e).filter(([k]) => !['code', 'V', 'v', 'text', 'DN', 'dn'].includes(k)));
    return [code, norwegian(text), Object.keys(rest).length ? pairs(rest) : null];
  }

  function eventList(events) {
    if (!events.length) return el('p', { class: 'muted' }, 'No events.');
    return el('ol', { class: 'timeline' }, events.map((e) => el('li', {},
      el('span', { class: 'when' }, when(e.at)), el('span', { class: 'kind' }, e.kind),
      EVENT_TEXT[e.kind] ? el('span', { class: 'muted' }, ' — ', EVENT_TEXT[e.kind]) : null,
      e.actor && e.actor !== 'gateway' ? el('span', { class: 'muted' }, ' by ', e.actor) : null,
      detailLine(e.detail))));
  }

  function detailLine(detail) {
    if (!detail || typeof detail !== 'object' || !Object.keys(detail).length) return null;
    return pairs(detail, 'detail');
  }

  /* key: value · key: value, with message ids as links. */
  function pairs(detail, cls) {
    const line = el('span', { class: cls || null });
    Object.entries(detail).filter(([, v]) => v !== null && v !== undefined && v !== '').forEach(([k, v], i) => {
      if (i) line.appendChild(document.createTextNode(' · '));
      const shown = LINKED_KEYS.has(k) && typeof v === 'string' && /^[0-9a-f-]{36}$/.test(v) ? messageLink(v)
        : MSG_ID_KEYS.has(k) && typeof v === 'string' ? link(route('messages', null, { msg_id: v }), v)
        : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
      append(line, [k + ': ', shown]);
    });
    return line;
  }

  function replayForm(m) {
    const box = el('details', { class: 'card replay' }, el('summary', {}, 'Replay this message…'));
    const form = el('form', {});
    const routes = el('fieldset', {}, el('legend', {}, 'Destinations (none ticked: every route that matches)'));
    const endpoint = el('input', { id: 'replay-endpoint', name: 'endpoint', type: 'text', inputmode: 'url', placeholder: 'https://test-receiver.example/ (optional)' });
    const transport = el('select', { id: 'replay-transport', name: 'transport' }, TRANSPORTS.map((t) => el('option', { value: t }, t)));
    const target = el('select', { id: 'replay-format', name: 'target_format' }, el('option', { value: '' }, "each route's own (override endpoint: the first matching route's, else fhir)"),
      TARGET_FORMATS.map((f) => el('option', { value: f }, f)));
    const outcome = el('div', { role: 'status' });
    append(form, [
      el('p', {}, 'A replay re-runs the original bytes as a new message linked to this one; nothing is overwritten and the sender gets no second AppRec.'),
      routes,
      el('label', { for: 'replay-endpoint' }, 'Override endpoint (deliver here and nowhere else)'), endpoint,
      el('label', { for: 'replay-transport' }, 'Transport for the override endpoint'), transport,
      el('label', { for: 'replay-format' }, 'Format (for the ticked routes or the override endpoint)'), target,
      el('p', {}, el('button', { type: 'submit', class: 'danger' }, 'Replay…')), outcome,
    ]);
    box.appendChild(form);
    const carry = { routes: {}, transports: {} };
    const offer = () => offerFormats(target, carry, m, routes, endpoint.value.trim() ? transport.value : null);
    box.addEventListener('toggle', () => {
      if (box.open && !routes.dataset.loaded) fillRoutes(routes, carry).then(offer);
    }, { once: false });
    [routes, endpoint, transport].forEach((input) => { input.addEventListener('change', offer); input.addEventListener('input', offer); });
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const destinations = Array.from(routes.querySelectorAll('input:checked'), (i) => i.value);
      const body = { destinations: destinations };
      if (endpoint.value.trim()) Object.assign(body, { endpoint: endpoint.value.trim(), transport: transport.value });
      if (target.value) body.target_format = target.value;
      const where = body.endpoint ? 'only to ' + body.endpoint + ' (' + body.transport + ')'
        : destinations.length ? 'to ' + destinations.join(', ') : 'to every route that matches';
      if (!window.confirm('Replay message ' + m.id + ' ' + where + '?')) return;
      submitReplay(m.id, body, outcome);
    });
    return box;
  }

  /* Only the formats the chosen way can carry (GET /routes: each route's and each transport's
     `carries`): the override endpoint's transport, else the ticked routes, else the routes the
     message went to before; a choice no longer offered falls back to each route's own. */
  function offerFormats(select, carry, m, fieldset, overrideTransport) {
    const ticked = Array.from(fieldset.querySelectorAll('input:checked'), (i) => i.value);
    const went = (m.translations || []).map((t) => t.route);
    const lists = overrideTransport ? [carry.transports[overrideTransport]]
      : (ticked.length ? ticked : went).map((name) => carry.routes[name]);
    const known = lists.filter(Boolean);
    for (const option of select.options) {
      const off = option.value !== '' && known.some((formats) => !formats.includes(option.value));
      option.disabled = off;
      option.hidden = off;
    }
    if (select.selectedOptions.length && select.selectedOptions[0].disabled) select.value = '';
  }

  async function fillRoutes(fieldset, carry) {
    fieldset.dataset.loaded = '1';
    try {
      const data = await json('/routes');
      Object.assign(carry.transports, data.transports || {});
      for (const r of data.routes || []) {
        carry.routes[r.name] = r.carries;
        const id = 'replay-route-' + r.name.replace(/[^\w-]/g, '_');
        append(fieldset, [el('label', { for: id }, el('input', { type: 'checkbox', id: id, value: r.name }), ' ', r.name,
          el('span', { class: 'muted' }, ' (' + r.transport + ', ' + r.target_format + (r.enabled ? '' : ', held') + ')'))]);
      }
    } catch (err) {
      fieldset.appendChild(el('p', { class: 'problem' }, 'Routes could not be read: ' + err.message));
    }
  }

  async function submitReplay(id, body, outcome) {
    replace(outcome, el('p', { class: 'muted' }, 'Replaying…'));
    try {
      const response = await api('/messages/' + encodeURIComponent(id) + '/replay', { method: 'POST', body: body, allowError: true });
      const text = await response.text();
      let result = null;
      try { result = JSON.parse(text); } catch (_) { /* shown as text below */ }
      if (!result || !result.id) throw new ApiError(response.status, text.slice(0, 300));
      replace(outcome, el('p', { class: response.ok ? 'note' : 'problem' }, 'Replayed as ', messageLink(result.id), ' ',
        badge(result.status), result.errors ? [' ', JSON.stringify(result.errors)] : null));
    } catch (err) {
      replace(outcome, el('p', { class: 'problem' }, 'Replay failed: ' + err.message));
    }
  }

  async function metricValues() {
    const text = await (await api('/metrics')).text();
    const samples = [];
    for (const line of text.split('\n')) {
      const found = line.match(/^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/);
      if (found) samples.push({ name: found[1], labels: found[2] || '', value: Number(found[3]) });
    }
    return { text: text, samples: samples };
  }

  function gauge(samples, name) {
    const found = samples.find((s) => s.name === name && !s.labels);
    return found ? found.value : null;
  }

  function tile(label, n, href, alarm) {
    return el('div', { class: 'tile' + (alarm ? ' alarm' : '') },
      el('span', { class: 'n' }, n === null ? '—' : String(n)), href ? link(href, label) : label);
  }

  function age(seconds) {
    if (seconds === null) return null;
    if (seconds < 120) return Math.round(seconds) + ' s';
    if (seconds < 7200) return Math.round(seconds / 60) + ' min';
    return (seconds / 3600).toFixed(1) + ' h';
  }

  async function viewProblems(root) {
    append(root, heading('Problems'));
    const counts = {};
    const lists = {};
    const [metrics, routes] = await Promise.all([
      metricValues().catch(() => ({ samples: [] })),
      json('/routes').catch(() => ({ routes: [] })),
      ...['failed', 'rejected', 'refused', 'pending'].map(async (s) => {
        lists[s] = await json(messagesPath({ status: s, limit: 25 }));
        counts[s] = lists[s].total;
      }),
    ]);
    const g = (n) => gauge(metrics.samples, n);
    const held = (routes.routes || []).filter((r) => !r.enabled);
    append(root, el('div', { class: 'tiles' },
      tile('Dead letters (deliveries given up)', g('samband_dead_letters'), null, g('samband_dead_letters') > 0),
      tile('Still failing after 1 h', g('samband_failing_after_one_hour'), null, g('samband_failing_after_one_hour') > 0),
      tile('Queue depth', g('samband_queue_depth')),
      tile('Oldest undelivered', age(g('samband_oldest_undelivered_age_seconds'))),
      tile('Failed messages', counts.failed, route('messages', null, { status: 'failed' }), counts.failed > 0),
      tile('Rejected by the gateway (sender told why)', counts.rejected, route('messages', null, { status: 'rejected' }), counts.rejected > 0),
      tile('Refused by receivers', counts.refused, route('messages', null, { status: 'refused' }), counts.refused > 0),
      tile('Waiting for delivery', counts.pending, route('messages', null, { status: 'pending' })),
      tile('Routes held (kill switch)', held.length, route('routes'), held.length > 0)));
    const sections = [
      ['failed', 'Failed: a destination gave up (dead letter), or the gateway could not process it'],
      ['rejected', 'Rejected by the gateway: the sender was told why, in its own format'],
      ['refused', 'Refused by the receiver: its AppRec said Avvist'],
      ['pending', 'Waiting for delivery (retrying)'],
    ];
    for (const [status, title] of sections) {
      const more = counts[status] > 25 ? link(route('messages', null, { status: status }), 'all ' + counts[status] + ' →') : null;
      const body = status === 'rejected' ? rejectedByFormat(lists[status].items) : messageTable(null, lists[status].items, 'None.');
      append(root, [el('h2', {}, title), body, more]);
    }
  }

  /* Rejected messages under the answer their sender got: only a Hodemelding gets an AppRec. */
  function rejectedByFormat(items) {
    if (!items.length) return el('p', { class: 'muted' }, 'None.');
    const groups = new Map();
    for (const m of items) {
      const answer = REFUSAL_ANSWER[m.format] || REFUSAL_ANSWER.other;
      if (!groups.has(answer)) groups.set(answer, []);
      groups.get(answer).push(m);
    }
    return Array.from(groups, ([answer, list]) => [el('h3', {}, answer), messageTable(null, list, 'None.')]);
  }

  async function viewRoutes(root) {
    const data = await json('/routes');
    const routes = data.routes || [];
    const changes = routes.flatMap((r) => (r.history || []).map((h) => Object.assign({ route: r.name }, h)))
      .sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
    append(root, [heading('Routes'), el('p', { class: 'muted' }, 'Route file: ', data.source),
      data.defaults ? defaultsNote(data.defaults) : null,
      el('p', {}, 'Holding a route stops its delivery tries at once (nothing is dead-lettered); releasing it resumes them.'),
      table(null, ['Name', 'Transport', 'Endpoint', 'Target format', 'State', 'Last change', ''], routes.map((r) => [
        r.name, r.transport, cell(r.endpoint, 'wrap mono'), r.target_format,
        badge(r.enabled ? 'delivering' : 'held'), lastChange(r.history || []), switchButton(r)]), 'No routes.'),
      el('h2', {}, 'Hold and release history'),
      table('Every switch, newest first', ['When', 'Route', 'Switch', 'By', 'Client'], changes.map((h) => [
        cell(when(h.at), 'time'), h.route, badge(h.action === 'hold' ? 'held' : 'delivering'), h.by, h.client_id]),
      'No route was ever held or released.')]);
  }

  /* With no route file, where the messages the gateway composes go (GET /routes `defaults`). */
  function defaultsNote(d) {
    return el('p', { class: 'note', id: 'default-outbox-note' }, 'No route file (SAMBAND_ROUTES), so the built-in routes are in force: ',
      'messages received go into the gateway\'s own FHIR store, and the messages the gateway composes (GP feedback, referrals) ',
      'are written as files by route ', el('code', {}, d.outbox_route), ' into the outbox folder ', el('code', {}, d.folder),
      ' (', el('code', {}, './' + d.outbox), ' where the gateway runs). Nothing sends them on from there: another system or a person ',
      'takes them, or a route file names where they go (docs/routing.md).');
  }

  function lastChange(history) {
    const h = history[history.length - 1];
    return h ? el('span', {}, h.action, ' by ', h.by, ' ', when(h.at)) : dash();
  }

  function switchButton(r) {
    const action = r.enabled ? 'hold' : 'release';
    const button = el('button', { type: 'button', class: r.enabled ? 'danger' : null,
      'aria-label': (r.enabled ? 'Hold route ' : 'Release route ') + r.name }, r.enabled ? 'Hold' : 'Release');
    button.addEventListener('click', async () => {
      if (!window.confirm((r.enabled ? 'Hold' : 'Release') + ' route ' + r.name + '?')) return;
      button.disabled = true;
      try {
        await json('/routes/' + encodeURIComponent(r.name) + '/' + action, { method: 'POST' });
        render();
      } catch (err) {
        button.disabled = false;
        setStatus('Route switch failed: ' + err.message);
      }
    });
    return button;
  }

  async function viewMetrics(root) {
    const metrics = await metricValues();
    const shown = metrics.samples.filter((s) => !/_(created|bucket)$/.test(s.name));
    append(root, [heading('Metrics'), el('p', { class: 'muted' }, 'From /metrics (Prometheus text format).'),
      table(null, ['Metric', 'Labels', 'Value'], shown.map((s) => [el('code', {}, s.name), cell(s.labels, 'mono wrap'), s.value]), 'No samples.'),
      el('details', { class: 'card' }, el('summary', {}, 'As exposed'), el('pre', { class: 'doc' }, metrics.text))]);
  }

  /* The patient page, for the KE in plain Norwegian: who did what when, the plan, the team, what the
   * GP was told (GET /patients/{id}/overview); then every message that names the patient. */
  async function viewPatient(root, id) {
    const head = heading('Pasient ', el('span', { class: 'mono' }, id));
    const page = el('div', { lang: 'no' }, el('p', { class: 'muted' }, 'Henter…'));
    const list = el('div', {}, el('p', { class: 'muted' }, 'Loading…'));
    append(root, [head, page, el('h2', {}, 'Messages about this patient'), list]);
    const response = await api('/patients/' + encodeURIComponent(id) + '/overview', { allowError: true });
    if (response.ok) {
      const data = await response.json();
      if (data.name) append(head, [' ', el('span', { lang: 'no' }, data.name)]);
      replace(page, overviewParts(data, id));
    } else if (response.status === 404) {
      replace(page, el('p', { class: 'note', lang: 'en' }, 'This gateway has no patient overview; the messages are below.'));
    } else replace(page, el('p', { class: 'problem' }, await problemOf(response)));
    const found = await json(messagesPath({ patient: id, limit: 200 }));
    replace(list, messageTable(found.total + ' message(s)', found.items, 'No message names this patient.'));
  }

  function overviewParts(data, id) {
    const nothing = !data.timeline.length && !data.plan;
    return [
      nothing ? el('p', { class: 'note' }, data.messages.total
        ? 'Samband har ingen sak for denne pasienten, men ' + data.messages.total + ' melding(er) gjelder pasienten (under).'
        : 'Samband kjenner ikke denne pasienten.') : null,
      data.plan ? [el('h2', {}, 'Individuell plan'), planCard(data.plan)] : null,
      data.team.length ? [el('h2', {}, 'Teamet'), el('ul', { class: 'team' }, data.team.map((t) => el('li', {}, t)))] : null,
      el('h2', {}, 'Sendt til fastlegen'),
      data.feedback.length ? plainEntries(data.feedback) : el('p', { class: 'muted' }, 'Ingenting er sendt til fastlegen.'),
      el('h2', {}, 'Hva som har skjedd'),
      data.timeline.length ? plainEntries(data.timeline) : el('p', { class: 'muted' }, 'Ingen hendelser.'),
      documentBox('Hendelsene som FHIR Bundle', '/patients/' + encodeURIComponent(id) + '/timeline?format=fhir', 'timeline-' + id),
    ];
  }

  function planCard(plan) {
    const period = [plan.start, plan.end].filter(Boolean).join(' – ');
    return el('div', { class: 'card' },
      facts([['Plan', plan.title], ['Status', plan.status], ['Periode', period], ['Neste revisjon', plan.next_revision],
        ['Koordinator', plan.coordinator]]),
      plan.goals.length ? table('Mål', ['Mål', 'Status'], plan.goals.map((g) => [cell(g.text, 'wrap'), g.status])) : null,
      plan.services.length ? table('Tjenester', ['Tjeneste', 'Omfang', 'Utføres av', 'Fra', 'Til'],
        plan.services.map((t) => [t.name, t.extent, t.by, t.from, t.to])) : null);
  }

  /* Plain entries: when, who, what; the detail, the state, the text sent (folded) and a link to the message. */
  function plainEntries(entries) {
    return el('ol', { class: 'timeline plain' }, entries.map((e) => el('li', {},
      el('span', { class: 'when' }, when(e.at)), el('span', { class: 'who' }, e.who), ' ',
      el('span', { class: 'kind' }, e.what),
      e.state ? [' ', el('span', { class: 'state' }, e.state)] : null,
      e.detail ? el('span', { class: 'detail' }, e.detail) : null,
      e.rule ? el('span', { class: 'detail' }, 'Regel: ' + e.rule) : null,
      e.text ? el('details', { class: 'said' }, el('summary', {}, 'Teksten'), el('p', {}, e.text)) : null,
      e.message_id ? el('span', { class: 'detail' }, link(route('message', e.message_id), 'Vis meldingen')) : null)));
  }

  /* The audit trail: who read which patient's data, replayed, switched a route, or was refused. */
  async function viewAudit(root, _arg, params) {
    const offset = Math.max(0, parseInt(params.get('offset') || '0', 10) || 0);
    const filters = {};
    for (const [name] of AUDIT_FILTERS) if (params.get(name)) filters[name] = params.get(name);
    const results = el('div', {}, el('p', { class: 'muted' }, 'Loading…'));
    append(root, [heading('Audit'),
      el('p', {}, 'Every read of patient data, every replay, route hold and release and refused sign-in, as the ' +
        'gateway recorded it. Nothing here can be changed or deleted. Reading this page is recorded too.'),
      filterForm(params, AUDIT_FILTERS, 'audit', 'Search the audit trail'), results]);
    const page = await json(queryPath('/audit', Object.assign({}, filters, { limit: PAGE, offset: offset })));
    const [caption, pager] = paging('audit', page, offset, filters);
    replace(results, table(caption, ['When', 'Who', 'Client', 'Action', 'Target', 'Patient', 'Outcome', 'Detail'],
      page.items.map((r) => [cell(when(r.at), 'time'), r.actor, r.client_id, cell(el('code', {}, r.action), 'nowrap'),
        auditTarget(r), auditPatients(r), badge(r.outcome), cell(detailLine(r.detail), 'wrap')]),
      'No audit row matches these filters.'), pager);
  }

  function auditTarget(r) {
    const t = r.target;
    if (t && /^[0-9a-f-]{36}$/.test(t)) return messageLink(t);
    if (t && (r.action === 'route-hold' || r.action === 'route-release')) return link(route('routes'), t);
    return t ? el('span', { class: 'mono wrap' }, t) : dash();
  }

  function auditPatients(r) {
    const all = r.patient ? [r.patient].concat((r.patients || []).filter((p) => p !== r.patient)) : r.patients || [];
    if (!all.length) return dash();
    const shown = el('span', {});
    all.slice(0, 5).forEach((p, i) => append(shown, [i ? ', ' : '', /^\d{11}$/.test(p) ? patientLink(p) : el('span', { class: 'mono' }, p)]));
    if (all.length > 5) append(shown, [' and ', String(all.length - 5), ' more']);
    return shown;
  }

  /* ---------- bulk replay: the search, a dry run to confirm, then one replay of each ---------- */

  function bulkBox(filters) {
    const box = el('div', { class: 'card bulk' }, el('h2', {}, 'Reprocess these messages'),
      el('p', {}, 'Replays every message this search finds from its original bytes, each as a new message linked to ' +
        'it (an outbound message: the message it was made from). You see the list first and confirm it; the ' +
        'audit trail records the whole batch as one entry.'));
    const outcome = el('div', { role: 'status' });
    const start = el('button', { type: 'button', class: 'danger' }, 'Reprocess…');
    start.addEventListener('click', () => bulkDryRun(filters, outcome));
    return append(box, [el('div', { class: 'actions' }, start), outcome]);
  }

  async function bulkDryRun(filters, outcome) {
    replace(outcome, el('p', { class: 'muted' }, 'Looking up what would be replayed…'));
    try {
      const found = await json('/messages/replay', { method: 'POST', body: Object.assign({}, filters, { dry_run: true }) });
      const ids = found.messages.map((m) => m.id);
      const confirm = el('button', { type: 'button', class: 'danger' }, 'Confirm: reprocess ' + ids.length + ' message(s)');
      const cancel = el('button', { type: 'button', class: 'secondary' }, 'Cancel');
      cancel.addEventListener('click', () => replace(outcome));
      confirm.addEventListener('click', () => { confirm.disabled = true; bulkRun(filters, ids, outcome); });
      replace(outcome, table(ids.length + ' message(s) would be replayed', ['Message', 'Type', 'Status', 'Patient', 'Found as'],
        found.messages.map((m) => [messageLink(m.id), m.msg_type, badge(m.status), patientLink(m.patient), messageLink(m.found_as)]),
        'Nothing to replay.'), ids.length ? el('div', { class: 'actions' }, confirm, cancel) : null);
    } catch (err) {
      replace(outcome, el('p', { class: 'problem' }, 'Nothing replayed: ' + err.message));
    }
  }

  async function bulkRun(filters, ids, outcome) {
    try {
      const done = await json('/messages/replay', { method: 'POST', body: Object.assign({}, filters, { confirm: ids }) });
      replace(outcome, table('Replayed ' + done.replays.length + ' message(s)', ['Original', 'Replay', 'Status', 'Errors'],
        done.messages.map((m, i) => {
          const r = done.replays[i] || {};
          return [messageLink(m.id), messageLink(r.id), badge(r.status), (r.errors || []).map((e) => e.code).join(', ')];
        })));
    } catch (err) {
      replace(outcome, el('p', { class: 'problem' }, 'Nothing replayed: ' + err.message));
    }
  }

  /* ---------- per-route statistics ---------- */

  const WINDOWS = [['1', 'last hour'], ['24', 'last 24 hours'], ['168', 'last 7 days']];

  function seconds(v) {
    if (v === null || v === undefined) return dash();
    return v < 1 ? Math.round(v * 1000) + ' ms' : age(v);
  }

  async function viewStatistics(root, _arg, params) {
    const hours = WINDOWS.some(([h]) => h === params.get('hours')) ? params.get('hours') : '24';
    const data = await json('/routes/statistics?hours=' + hours);
    const pick = el('p', { class: 'actions' }, 'Window:', WINDOWS.map(([h, text]) =>
      h === hours ? el('strong', {}, text) : link(route('statistics', null, { hours: h }), text)));
    append(root, [heading('Route statistics'), pick,
      el('p', { class: 'muted' }, 'Deliveries per route from ', when(data.since), ' to ', when(data.until),
        '; queue depth, oldest waiting and dead letters now are as of this moment. Latency is received → delivered.'),
      statsTable(data)]);
  }

  /* Thirteen columns that fit 900 px: the headings wrap, times break at their space (console.css .stats). */
  function statsTable(data) {
    const wrap = table(null, ['Route', 'State', 'Queued', 'Delivered', 'Per hour', 'Failed tries', 'Dead-lettered in window',
      'Dead letters waiting now', 'Queue depth', 'Oldest waiting', 'Latency median', 'Latency p95', 'Latency max'],
      data.routes.map((r) => [cell(r.in_route_file ? r.route : el('span', {}, r.route, el('span', { class: 'muted' }, ' (not in the route file)')), 'route'),
        r.in_route_file ? badge(r.enabled ? 'delivering' : 'held') : dash(), r.queued, r.delivered, r.delivered_per_hour,
        cell(r.failed_attempts, r.failed_attempts ? 'alarm' : null), cell(r.dead_letters, r.dead_letters ? 'alarm' : null),
        r.dead_letters_now ? link(route('messages', null, { status: 'failed' }), String(r.dead_letters_now)) : '0',
        r.queue_depth, r.oldest_waiting ? when(r.oldest_waiting) : dash(),
        seconds(r.latency_seconds.median), seconds(r.latency_seconds.p95), seconds(r.latency_seconds.max)]), 'No routes.');
    wrap.classList.add('stats');
    return wrap;
  }

  /* ---------- a test message to one route ---------- */

  async function viewTest(root) {
    const [routes, examples] = await Promise.all([json('/routes'), json('/test-messages')]);
    const routeSelect = el('select', { id: 'test-route', name: 'route', required: true },
      (routes.routes || []).map((r) => el('option', { value: r.name }, r.name + ' (' + r.transport + ', ' + r.target_format + ')')));
    const exampleSelect = el('select', { id: 'test-example', name: 'example', required: true },
      examples.examples.map((e) => el('option', { value: e.name }, e.title)));
    const outcome = el('div', { role: 'status' });
    const form = el('form', { class: 'card' },
      el('p', {}, 'Sends a fresh copy of a built-in synthetic message (patient Test Testesen, test HER-ids) through ' +
        'one route only: translated to its format and delivered by its transport like any message. No AppRec goes ' +
        'to anyone; the audit trail records who sent which example where.'),
      el('div', { class: 'filters' }, el('label', { for: 'test-route' }, 'Route', routeSelect),
        el('label', { for: 'test-example' }, 'Example', exampleSelect)),
      el('div', { class: 'actions' }, el('button', { type: 'submit' }, 'Send test message')), outcome);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      replace(outcome, el('p', { class: 'muted' }, 'Sending…'));
      const response = await api('/test-messages', { method: 'POST', allowError: true,
        body: { route: routeSelect.value, example: exampleSelect.value } });
      if (!response.ok) {
        replace(outcome, el('p', { class: 'problem' }, 'Not sent: ' + await problemOf(response)));
        return;
      }
      const sent = await response.json();
      replace(outcome, el('p', { class: 'note' }, 'Sent as ', messageLink(sent.id), ' ', badge(sent.status),
        ' through ', routeSelect.value, '.'));
    });
    append(root, [heading('Send a test message'), form]);
  }

  /* ---------- routing ---------- */

  const VIEWS = { messages: viewMessages, message: viewMessage, problems: viewProblems, routes: viewRoutes,
    statistics: viewStatistics, test: viewTest, metrics: viewMetrics, patient: viewPatient, audit: viewAudit };

  /* What a page in a file of its own (alerts.js) draws with: it adds itself to ``views``. */
  window.SambandConsole = { views: VIEWS, el, append, link, route, messageLink, dash, badge, when, table, cell,
    heading, json };

  function parseHash() {
    const hash = location.hash.replace(/^#\/?/, '');
    const cut = hash.indexOf('?');
    const path = cut < 0 ? hash : hash.slice(0, cut);
    const [name, arg] = path.split('/').map((s) => decodeURIComponent(s));
    return { name: VIEWS[name] ? name : 'messages', arg: arg || '', params: new URLSearchParams(cut < 0 ? '' : hash.slice(cut + 1)) };
  }

  async function render() {
    clearTimeout(refreshTimer);
    if (!sessionStorage.getItem(KEY)) {
      showKeyPanel('');
      return;
    }
    hideKeyPanel();
    const { name, arg, params } = parseHash();
    for (const a of document.querySelectorAll('[data-nav]')) {
      if (a.dataset.nav === name) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
    const main = document.getElementById('view');
    const root = el('div');
    replace(main, root);
    setStatus('Loading…');
    try {
      await VIEWS[name](root, arg, params);
      setStatus('');
    } catch (err) {
      setStatus('');
      if (err.status !== 401) root.appendChild(el('p', { class: 'problem', role: 'alert' }, err.message));
    }
    const title = root.querySelector('h1');
    document.title = (title ? title.textContent + ' · ' : '') + 'Samband console';
    if (title && document.activeElement === document.body) title.focus();
  }

  function start() {
    takeKeyFromFragment();
    document.getElementById('key-form').addEventListener('submit', (event) => {
      event.preventDefault();
      sessionStorage.setItem(KEY, document.getElementById('key-input').value.trim());
      document.getElementById('key-input').value = '';
      render();
    });
    document.getElementById('forget-key').addEventListener('click', () => {
      sessionStorage.removeItem(KEY);
      showKeyPanel('');
    });
    document.getElementById('patient-jump').addEventListener('submit', (event) => {
      event.preventDefault();
      const id = document.getElementById('patient-jump-id').value.trim();
      if (id) location.hash = route('patient', id);
    });
    window.addEventListener('hashchange', () => {
      if (/^#key=/.test(location.hash)) takeKeyFromFragment();
      render();
    });
    render();
  }

  document.addEventListener('DOMContentLoaded', start);  // after every deferred page script has added itself
})();
