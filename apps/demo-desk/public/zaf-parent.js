// The parent (Zendesk) side of the ZAF v2 postMessage protocol, written from Zendesk's own SDK source
// (github.com/zendesk/zendesk_app_framework_sdk lib/client.js, lib/tracker.js, lib/utils/idleState.ts) and the ZAF
// docs, so that the OFFICIAL SDK works against it as well as the npm community build. Strict on purpose: anything
// an SDK would not send, or that Zendesk does not document, is a protocol violation. Violations are answered the
// way Zendesk answers (an error, or silence) and reported loudly: console.error (which the e2e fixtures turn into
// a failed test), the page's alert box, and `violations` for tests that look.
//
// Wire format (all from lib/client.js):
//   child → parent  JSON strings { key, message, appGuid, instanceGuid }      (client.postMessage)
//                   JSON strings { id, request: get|set|invoke, params, appGuid, instanceGuid }
//                   objects      { appGuid, key: 'iframe.reply:<event>', error? } (replies to needsReply events)
//   parent → child  { key: 'zaf.app.registered', message: { context, metadata } } after 'iframe.handshake'
//                   { key: 'zaf.ticket.save', needsReply: true } before a save (hook events, answered iframe.reply:)
//                   { id, result } | { id, error }; { key: 'zaf.<event>', message } for subscribed events
// Messages are accepted only from the app's own frame and origin, exactly as the SDK checks its parent.

/** Ticket sidebar "Ticket change events" (developer.zendesk.com, Apps Support API, Ticket sidebar). */
export const TICKET_CHANGE_EVENTS = Object.freeze([
  'ticket.assignee.group.id.changed',
  'ticket.assignee.group.name.changed',
  'ticket.assignee.user.email.changed',
  'ticket.assignee.user.externalId.changed',
  'ticket.assignee.user.id.changed',
  'ticket.assignee.user.name.changed',
  'ticket.brand.changed',
  'ticket.collaborators.changed',
  'ticket.comments.changed',
  'ticket.due_date.changed',
  'ticket.externalId.changed',
  'ticket.form.id.changed',
  'ticket.postSaveAction.changed',
  'ticket.priority.changed',
  'ticket.problem_id.changed',
  'ticket.requester.email.changed',
  'ticket.requester.externalId.changed',
  'ticket.requester.id.changed',
  'ticket.requester.name.changed',
  'ticket.sharedWith.changed',
  'ticket.status.changed',
  'ticket.subject.changed',
  'ticket.tags.changed',
  'ticket.type.changed',
]);

/**
 * Core events of every location (ZAF docs "Core events"; the list here is what we could confirm), plus
 * `context.updated`, which the official SDK subscribes to itself when it starts.
 */
export const CORE_EVENTS = Object.freeze([
  'app.activated',
  'app.deactivated',
  'app.expanded',
  'app.collapsed',
  'app.willDestroy',
  'context.updated',
]);

/**
 * Issue 14: the agent switching Zendesk Support between light and dark (the payload is the new scheme, 'light' or
 * 'dark'), read as the `colorScheme` path. UNCONFIRMED: seen in apps built with Zendesk's App Builder, but in neither
 * the SDK source nor the Core API pages we could read (packages/host/NOTES.md).
 */
export const COLOR_SCHEME_EVENTS = Object.freeze(['colorScheme.changed']);

/**
 * Ticket sidebar "Hook events" (issue 12): Zendesk asks the app before it saves, and waits for its answer. Sent as
 * `{ key: 'zaf.ticket.save', needsReply: true }`; the SDK runs every handler (lib/utils.js `when`) and answers with
 * an OBJECT `{ appGuid, key: 'iframe.reply:ticket.save' }`, plus `error: { msg }` when a handler returned false, a
 * string or an Error, threw, or returned a promise that rejected (lib/client.js `postReplyWith`). An error cancels the
 * save and Zendesk shows `msg` to the agent (a generic text when msg is not a string — its wording is UNCONFIRMED).
 */
export const HOOK_EVENTS = Object.freeze(['ticket.save']);
/**
 * How long this stand-in waits for a hook's answer. Zendesk's own limit is UNCONFIRMED; an app that has not answered
 * by then is a protocol violation here (the save is cancelled), so an app that relies on a slow answer fails loudly.
 */
const HOOK_TIMEOUT_MS = 10_000;

const DOCUMENTED_EVENTS = new Set([...TICKET_CHANGE_EVENTS, ...CORE_EVENTS, ...COLOR_SCHEME_EVENTS, ...HOOK_EVENTS]);
const REQUEST_KEY = /^request:(\d+)$/;
/**
 * `api_notification.<event>`: what `POST /api/v2/apps/notify.json` delivers to an app's instances (issue 16; the
 * event name as in Zendesk's example github.com/zendesk/app-notification-send-receive).
 */
const APP_NOTIFICATION_EVENT = /^api_notification\.[\w.-]{1,64}$/;
const REQUEST_EVENT = /^request:(\d+)\.(done|fail)$/;
/** What the official SDK's Tracker (lib/tracker.js) invokes: `client.invoke('track', {type:'click'})`, hovers with a value. */
const TRACK_TYPES = new Set(['click', 'hover']);
/** What the official SDK reports through `__track__` (lib/client.js): both mean the parent failed the app. */
const TELEMETRY_EVENTS = new Set(['sdk_request_timeout', 'invalid_sdk_origin']);

const isObject = (value) => typeof value === 'object' && value !== null && !Array.isArray(value);
const describe = (value) => JSON.stringify(value)?.slice(0, 160) ?? String(value);

/**
 * Starts answering the app in `frame` (an <iframe> whose page was loaded with `?origin=…&app_guid=<appGuid>`).
 *
 * options:
 *   frame, appOrigin, appGuid          the app's iframe, its origin (targetOrigin of every reply) and app_guid
 *   context(instanceGuid), metadata    what app.registered carries (client.context(), client.metadata())
 *   paths      { [path]: () => value }                   what client.get() can read
 *   setters    { [path]: (value) => value }              what client.set() can write
 *   actions    { [name]: (...args) => value|undefined }  what client.invoke() can call; a thrown Error answers an error
 *   proxy(options) → Promise<{ status, statusText, responseText, contentType }>  client.request() for /api/v2 paths
 *   onViolation(message)                                  shown on the page
 */
export function createZafParent(options) {
  const { frame, appOrigin, appGuid } = options;
  const state = {
    isRegistered: false,
    instanceGuid: appGuid,
    /** The last app.registered message: { context, metadata }. */
    registered: undefined,
    /** `version` of every iframe.handshake (the SDK's package version). */
    handshakes: [],
    /** event → subscriberCount, as the SDK reports it in iframe.on:/iframe.off:. */
    subscribers: new Map(),
    /** client.invoke('track', …) from the official SDK's Tracker. */
    tracked: [],
    /** `__track__` telemetry from the official SDK. */
    telemetry: [],
    /** How many `session.live` pings the official SDK's idle-state observer sent. */
    sessionLive: 0,
    /** iframe.trigger:<name> calls (custom events for other app instances; this desk runs one). */
    triggered: [],
    /** Events delivered to the app, in order. */
    fired: [],
    /** client.request() calls answered: { n, url, outcome }. */
    requests: [],
    /** Hook events asked and how the app answered: { name, outcome: 'allowed'|'cancelled'|'timed out', message? }. */
    hooks: [],
    violations: [],
  };

  function violation(text) {
    state.violations.push(text);
    console.error(`[zaf stand-in] protocol violation: ${text}`);
    options.onViolation?.(text);
  }

  function send(message) {
    frame.contentWindow?.postMessage(JSON.stringify(message), appOrigin);
  }

  /** Replies pending per hook event: one at a time, as Zendesk asks once per save. */
  const pendingHooks = new Map();

  /**
   * Asks the app before an action (a hook event) and resolves with `{ isAllowed: true }` or `{ isAllowed: false,
   * message }`. An app that did not subscribe is not asked (the action goes on).
   */
  function hook(name) {
    if (!HOOK_EVENTS.includes(name)) throw new Error(`the stand-in asks documented hook events only, not ${name}`);
    if (!(state.subscribers.get(name) > 0)) return Promise.resolve({ isAllowed: true });
    if (pendingHooks.has(name)) return Promise.resolve({ isAllowed: false, message: 'A save is already in progress.' });
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        pendingHooks.delete(name);
        state.hooks.push({ name, outcome: 'timed out' });
        violation(`no iframe.reply:${name} within ${HOOK_TIMEOUT_MS} ms`);
        resolve({ isAllowed: false, message: 'The app did not answer.' });
      }, HOOK_TIMEOUT_MS);
      pendingHooks.set(name, (reply) => {
        clearTimeout(timer);
        pendingHooks.delete(name);
        if (reply.error === undefined) {
          state.hooks.push({ name, outcome: 'allowed' });
          resolve({ isAllowed: true });
          return;
        }
        const message = typeof reply.error?.msg === 'string' && reply.error.msg !== '' ? reply.error.msg : 'An app cancelled the save.';
        state.hooks.push({ name, outcome: 'cancelled', message });
        resolve({ isAllowed: false, message });
      });
      state.fired.push({ name, data: undefined });
      send({ key: `zaf.${name}`, needsReply: true });
    });
  }

  /** Delivers `zaf.<name>` if the app subscribed to it (Zendesk binds an event only while it has subscribers). */
  function fire(name, data) {
    if (HOOK_EVENTS.includes(name)) throw new Error(`${name} is a hook event: ask it with hook()`);
    if (!DOCUMENTED_EVENTS.has(name) && !APP_NOTIFICATION_EVENT.test(name))
      throw new Error(`the stand-in fires documented events only, not ${name}`);
    if (!(state.subscribers.get(name) > 0)) return false;
    state.fired.push({ name, data });
    send({ key: `zaf.${name}`, message: data });
    return true;
  }

  // ---- get / set / invoke ----------------------------------------------------------------------------------
  // Per-path failures go under result.errors (the SDK throws them for a single path); the error shape
  // { name, message, path } is what lib/client.js createError() reads. Zendesk's exact wording is UNCONFIRMED.
  const pathError = (path, message) => ({ name: 'ClientError', message, path });

  function answerGet(params) {
    if (!Array.isArray(params) || params.some((p) => typeof p !== 'string')) {
      violation(`get with params ${describe(params)} (the SDK sends an array of path strings)`);
      return { error: { name: 'ClientError', message: 'get expects an array of paths' } };
    }
    const result = { errors: {} };
    for (const path of params) {
      if (Object.hasOwn(options.paths, path)) result[path] = options.paths[path]();
      else {
        violation(`get of the unsupported path "${path}"`);
        result.errors[path] = pathError(path, 'is not a supported path');
      }
    }
    return { result };
  }

  function answerSet(params) {
    if (!isObject(params)) {
      violation(`set with params ${describe(params)} (the SDK sends an object of path → value)`);
      return { error: { name: 'ClientError', message: 'set expects an object' } };
    }
    const result = { errors: {} };
    for (const [path, value] of Object.entries(params)) {
      if (Object.hasOwn(options.setters, path)) result[path] = options.setters[path](value);
      else {
        violation(`set of "${path}", which cannot be set here`);
        result.errors[path] = pathError(path, 'cannot be set');
      }
    }
    return { result };
  }

  function track(...args) {
    const event = args[0];
    if (args.length !== 1 || !isObject(event) || !TRACK_TYPES.has(event.type)) {
      throw new Error(`track with ${describe(args)} (the SDK's Tracker sends one {type: click|hover})`);
    }
    if (event.type === 'hover' && typeof event.value !== 'number') throw new Error('track hover without a numeric value');
    state.tracked.push(event);
    return undefined;
  }

  function answerInvoke(params) {
    if (!isObject(params) || Object.values(params).some((args) => !Array.isArray(args))) {
      violation(`invoke with params ${describe(params)} (the SDK sends an object of action → argument array)`);
      return { error: { name: 'ClientError', message: 'invoke expects an object of argument arrays' } };
    }
    const result = { errors: {} };
    for (const [name, args] of Object.entries(params)) {
      const action = name === 'track' ? track : Object.hasOwn(options.actions, name) ? options.actions[name] : undefined;
      if (!action) {
        violation(`invoke of the unsupported action "${name}"`);
        result.errors[name] = pathError(name, 'is not a supported action');
        continue;
      }
      try {
        const value = action(...args);
        if (value !== undefined) result[name] = value;
      } catch (error) {
        violation(`invoke ${name}: ${error.message}`);
        result.errors[name] = pathError(name, error.message);
      }
    }
    return { result };
  }

  // ---- client.request(): the Zendesk proxy -------------------------------------------------------------------
  // The SDK subscribes to request:<n>.done and .fail, then posts request:<n> with the options; the promise takes
  // responseArgs (jQuery's done(data, textStatus, xhr) / fail(xhr, textStatus, error)). Only this account's own
  // /api/v2 paths are proxied: the sidebar calls its own API with fetch, so anything else is a bug worth seeing.
  async function answerRequest(n, requestOptions) {
    const done = (args) => send({ key: `zaf.request:${n}.done`, message: { responseArgs: args } });
    const fail = (xhr, text) => send({ key: `zaf.request:${n}.fail`, message: { responseArgs: [xhr, 'error', text] } });
    const opts = typeof requestOptions === 'string' ? { url: requestOptions } : requestOptions;
    if (!isObject(opts) || typeof opts.url !== 'string') {
      violation(`request:${n} without a url (${describe(requestOptions)})`);
      fail({ status: 400, statusText: 'Bad Request', responseText: 'client.request needs a url' }, 'Bad Request');
      return;
    }
    if (!(state.subscribers.get(`request:${n}.done`) > 0) || !(state.subscribers.get(`request:${n}.fail`) > 0)) {
      violation(`request:${n} before subscribing to request:${n}.done and .fail (the SDK subscribes first)`);
    }
    if (!/^\/api\/v2\/[\w./-]*(\?[^#]*)?$/.test(opts.url) || opts.url.includes('..')) {
      violation(`request:${n} to ${opts.url}: the stand-in proxies only this account's /api/v2 paths`);
      state.requests.push({ n, url: opts.url, outcome: 'refused' });
      fail(
        { status: 403, statusText: 'Forbidden', responseText: 'This stand-in proxies only the Zendesk API of this account.' },
        'Forbidden',
      );
      return;
    }
    let answer;
    try {
      answer = await options.proxy(opts);
    } catch (error) {
      state.requests.push({ n, url: opts.url, outcome: 'failed' });
      fail({ status: 0, statusText: 'error', responseText: String(error.message ?? error) }, 'error');
      return;
    }
    let json;
    if (/json/.test(answer.contentType ?? '')) {
      try {
        json = JSON.parse(answer.responseText);
      } catch {
        json = undefined;
      }
    }
    const xhr = {
      status: answer.status,
      statusText: answer.statusText,
      responseText: answer.responseText,
      ...(json === undefined ? {} : { responseJSON: json }),
    };
    const isOk = answer.status >= 200 && answer.status < 300;
    state.requests.push({ n, url: opts.url, outcome: isOk ? 'done' : 'fail' });
    if (!isOk) fail(xhr, answer.statusText);
    else if (opts.httpCompleteResponse) done([{ ...xhr, headers: { 'content-type': answer.contentType ?? '' } }]);
    else done([json ?? answer.responseText, 'success', xhr]);
  }

  // ---- events the app sends ------------------------------------------------------------------------------------
  function subscriptionChange(key, message) {
    const isOn = key.startsWith('iframe.on:');
    const name = key.slice(isOn ? 'iframe.on:'.length : 'iframe.off:'.length);
    const count = message?.subscriberCount;
    if (!Number.isInteger(count) || count < 0) {
      violation(`${key} without a subscriberCount (${describe(message)})`);
      return;
    }
    const request = REQUEST_EVENT.exec(name);
    if (!request && !DOCUMENTED_EVENTS.has(name) && !APP_NOTIFICATION_EVENT.test(name)) {
      // Zendesk would accept it and never fire it: the app would wait forever for nothing.
      violation(`the app subscribes to "${name}", which Zendesk does not document for the ticket sidebar`);
    }
    state.subscribers.set(name, count);
  }

  function keyed(msg) {
    const { key, message } = msg;
    if (key === 'iframe.handshake') {
      if (!isObject(message) || typeof message.version !== 'string') violation(`iframe.handshake without a version (${describe(message)})`);
      // A new document in the frame (a reload) starts over: its SDK subscribes again.
      state.handshakes.push(message?.version);
      state.subscribers.clear();
      state.instanceGuid = typeof msg.instanceGuid === 'string' ? msg.instanceGuid : appGuid;
      state.isRegistered = true;
      state.registered = { context: options.context(state.instanceGuid), metadata: options.metadata };
      send({ key: 'zaf.app.registered', message: state.registered });
      frame.dataset.zaf = 'registered';
      return;
    }
    if (!state.isRegistered) {
      violation(`"${key}" before app.registered (the SDK holds every message until then)`);
      return;
    }
    if (key.startsWith('iframe.on:') || key.startsWith('iframe.off:')) return subscriptionChange(key, message);
    const request = REQUEST_KEY.exec(key);
    if (request) return void answerRequest(Number(request[1]), message);
    if (key === 'session.live') {
      state.sessionLive += 1;
      return;
    }
    if (key === '__track__') {
      if (!isObject(message) || typeof message.event_name !== 'string') violation(`__track__ without an event_name (${describe(message)})`);
      state.telemetry.push(message);
      if (TELEMETRY_EVENTS.has(message?.event_name)) violation(`the SDK reports ${message.event_name} (${describe(message.tags)})`);
      return;
    }
    if (key.startsWith('iframe.trigger:')) {
      state.triggered.push({ name: key.slice('iframe.trigger:'.length), data: message });
      return;
    }
    if (key.startsWith('iframe.reply:')) {
      const answer = pendingHooks.get(key.slice('iframe.reply:'.length));
      if (!answer) violation(`${key}, but no event asked for a reply`);
      else answer(msg);
      return;
    }
    violation(`unknown message key "${key}" (${describe(message)})`);
  }

  function onMessage(event) {
    // The app's own frame and origin only, as lib/client.js isValidEvent() checks its parent.
    if (event.source !== frame.contentWindow || event.origin !== appOrigin) return;
    let msg = event.data;
    if (typeof msg === 'string') {
      try {
        msg = JSON.parse(msg);
      } catch {
        violation(`a message that is not JSON: ${msg.slice(0, 80)}`);
        return;
      }
    }
    if (!isObject(msg)) {
      violation(`a message that is not an object: ${describe(msg)}`);
      return;
    }
    if (msg.appGuid !== appGuid) violation(`a message for app_guid ${describe(msg.appGuid)}, not ${appGuid}`);
    if (typeof msg.key === 'string') return keyed(msg);
    if (msg.id !== undefined && typeof msg.request === 'string') {
      if (!state.isRegistered) violation(`${msg.request} #${msg.id} before app.registered`);
      let answer;
      if (msg.request === 'get') answer = answerGet(msg.params);
      else if (msg.request === 'set') answer = answerSet(msg.params);
      else if (msg.request === 'invoke') answer = answerInvoke(msg.params);
      else {
        violation(`unknown request "${msg.request}"`);
        answer = { error: { name: 'ClientError', message: `Unsupported request "${msg.request}"` } };
      }
      send({ id: msg.id, ...answer });
      return;
    }
    violation(`a message with neither key nor id: ${describe(msg)}`);
  }

  window.addEventListener('message', onMessage);
  return { state, fire, hook, stop: () => window.removeEventListener('message', onMessage) };
}
