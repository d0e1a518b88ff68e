/* Samband console, the Alerts page: what the gateway told operators (GET /alerts), newest first, and
 * what each condition means. Its own file beside console.js, drawn with console.js's text-only DOM
 * helpers (window.SambandConsole); loaded after it, before the first page is drawn. */
'use strict';

(function () {
  const c = window.SambandConsole;
  const OUTCOMES = { sent: 'sent', failed: 'failed: tried again at the next pass', recorded: 'recorded (no channel configured)' };

  function examples(detail) {
    const items = (detail && detail.items) || [];
    if (!items.length) return c.dash();
    const list = c.el('ul', { class: 'plain' });
    for (const item of items.slice(0, 5)) {
      const message = item.source || item.message;
      const facts = ['kind', 'route', 'code', 'type', 'receiver_her', 'tries'].filter((k) => item[k] !== undefined && item[k] !== null)
        .map((k) => k + ': ' + item[k]).join(', ');
      const patient = message && item.patient_page ? [' · ', c.link(c.route('patient-of', message), 'the patient\'s page')] : null;
      c.append(list, c.el('li', {}, message ? c.messageLink(message) : null, message && facts ? ' ' : null, facts, patient));
    }
    if (items.length > 5) c.append(list, c.el('li', { class: 'muted' }, 'and ' + (items.length - 5) + ' more'));
    return list;
  }

  function outcome(a) {
    const shown = c.el('span', {}, c.badge(a.outcome), ' ', OUTCOMES[a.outcome] || '');
    if (a.error) c.append(shown, [c.el('br'), c.el('span', { class: 'mono' }, a.error.code), ' ', a.error.detail]);
    return shown;
  }

  async function viewAlerts(root, _arg, params) {
    const condition = params.get('condition') || '';
    const query = new URLSearchParams({ limit: '100' });
    if (condition) query.set('condition', condition);
    const data = await c.json('/alerts?' + query.toString());
    const conditions = data.conditions || {};
    const title = (name) => (conditions[name] ? conditions[name].title : name);
    c.append(root, [
      c.heading('Alerts'),
      c.el('p', {}, 'What the gateway told operators by webhook or e-mail, at most once per condition and channel ',
        'per alert interval (docs/operations.md). ', c.link(c.route('problems'), 'The Problems page'),
        ' shows what needs attention now.'),
      c.table('The conditions', ['Condition', 'Means', ''], Object.entries(conditions).map(([name, cond]) => [
        c.cell(cond.title), c.cell(cond.meaning, 'wrap'),
        name === condition ? c.el('strong', {}, 'shown') : c.link(c.route('alerts', null, { condition: name }), 'only these')])),
      condition ? c.el('p', {}, c.link(c.route('alerts'), 'All conditions')) : null,
      c.el('h2', {}, condition ? title(condition) : 'Raised'),
      c.table(data.total + ' alert(s), newest first', ['When', 'Condition', 'Channel', 'Summary', 'Outcome', 'Examples'],
        (data.items || []).map((a) => [c.cell(c.when(a.at), 'time'), title(a.condition), a.channel,
          c.cell(a.summary, 'wrap'), outcome(a), examples(a.detail)]),
        'No alert was raised.'),
    ]);
  }

  /* An alert names no patient (it leaves the gateway): its message's page leads to the patient's, read
     here (an audited read) so the operator lands on the patient page in one click. */
  async function viewPatientOf(root, id) {
    const m = await c.json('/messages/' + encodeURIComponent(id));
    if (m.patient) {
      location.replace(c.route('patient', m.patient));
      return;
    }
    c.append(root, [c.heading('Patient'), c.el('p', {}, 'Message ', c.messageLink(id), ' names no patient.')]);
  }

  c.views.alerts = viewAlerts;
  c.views['patient-of'] = viewPatientOf;
})();
