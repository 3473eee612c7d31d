// Stand-in for the Forge Custom UI bridge. @forge/bridge resolves globalThis.__bridge.callBridge when its
// modules load, so this classic script runs before the app's module scripts. It answers the operations the
// Vouchsafe Jira app uses: getContext, fetchRemote (requestRemote), invoke with invokeType ui-remote-fetch
// (invokeRemote), enableTheming (view.theme.enable), and no-op on/emit. Remote calls go through the stand-in server, which adds a Forge
// Invocation Token signed by its test key, as Forge does. Anything else rejects.
(function () {
  'use strict';
  var params = new URLSearchParams(location.search);
  var issueKey = params.get('issueKey') || '';
  var tokenVariant = params.get('token') || 'valid';
  var contextPromise;

  function loadContext() {
    if (!contextPromise) {
      contextPromise = fetch('/jira/agent/api/forge-context?issueKey=' + encodeURIComponent(issueKey)).then(function (res) {
        if (!res.ok) throw new Error('Forge bridge stand-in: no context for issue ' + issueKey + ' (' + res.status + ')');
        return res.json();
      });
    }
    return contextPromise;
  }

  function headerPairs(headers) {
    if (!headers) return [];
    if (Array.isArray(headers)) return headers;
    if (typeof Headers !== 'undefined' && headers instanceof Headers) return Array.from(headers.entries());
    return Object.keys(headers).map(function (k) {
      return [k, String(headers[k])];
    });
  }

  function remote(request) {
    return fetch('/jira/forge-remote', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        issueKey: issueKey,
        variant: tokenVariant,
        path: request.path,
        method: request.method || 'GET',
        headers: headerPairs(request.headers),
        body:
          request.body === undefined || request.body === null
            ? null
            : typeof request.body === 'string'
              ? request.body
              : JSON.stringify(request.body),
      }),
    }).then(function (res) {
      if (!res.ok) throw new Error('Forge bridge stand-in: the remote call failed (' + res.status + ')');
      return res.json();
    });
  }

  function subscription() {
    return Promise.resolve({ unsubscribe: function () {} });
  }

  var ops = {
    getContext: function () {
      return loadContext();
    },
    fetchRemote: function (payload) {
      var init = (payload && payload.fetchRequestInit) || {};
      if (!init.path) return Promise.reject(new Error('Forge bridge stand-in: fetchRemote without a path'));
      return remote(init).then(function (r) {
        return { body: r.body, headers: r.headers, status: r.status, statusText: r.statusText, isAttachment: false };
      });
    },
    invoke: function (payload) {
      if (!payload || payload.invokeType !== 'ui-remote-fetch') {
        return Promise.reject(new Error('Forge bridge stand-in: only invokeRemote is available (no Forge functions)'));
      }
      return remote(payload).then(function (r) {
        var body = r.body;
        try {
          body = body ? JSON.parse(body) : body;
        } catch {
          /* not JSON: keep the text */
        }
        var response = { body: body, headers: r.headers, status: r.status, statusText: r.statusText };
        return r.status >= 200 && r.status < 300 ? { success: true, payload: response } : { success: false, error: response };
      });
    },
    on: subscription,
    onPublic: subscription,
    emit: function () {
      return Promise.resolve();
    },
    emitPublic: function () {
      return Promise.resolve();
    },
    emitReadyEvent: function () {
      return Promise.resolve();
    },
    // Issue 14: view.theme.enable(). Jira then keeps <html data-theme data-color-mode> of the app's page in step with
    // its theme (developer.atlassian.com/platform/forge/design-tokens-and-theming); here `?colorMode=dark` picks it.
    enableTheming: function () {
      var mode = params.get('colorMode') === 'dark' ? 'dark' : 'light';
      document.documentElement.setAttribute('data-theme', 'dark:dark light:light');
      document.documentElement.setAttribute('data-color-mode', mode);
      return Promise.resolve();
    },
    getFrameId: function () {
      return Promise.resolve('vouchsafe-standin-frame');
    },
  };

  window.__bridge = {
    callBridge: function (op, payload) {
      var handler = ops[op];
      if (!handler) return Promise.reject(new Error('Forge bridge stand-in: the "' + op + '" operation is not supported'));
      try {
        return Promise.resolve(handler(payload));
      } catch (error) {
        return Promise.reject(error);
      }
    },
  };
})();
