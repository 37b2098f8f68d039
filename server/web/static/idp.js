// The reference identity provider's only script (served from /static/idp.js). Every page works
// without it; it adds the push waiting page's live status and the copy buttons.
/* global document, window, EventSource */
'use strict';

(function pushStatus() {
  const live = document.getElementById('push-live');
  if (!live || typeof EventSource !== 'function') return;
  const status = document.getElementById('push-status');
  const form = document.getElementById('push-complete-form');
  const source = new EventSource(live.getAttribute('data-events'));
  source.addEventListener('state', (event) => {
    const state = event.data;
    if (state === 'pending') return;
    // Final: stop listening before the server closes the stream, or EventSource would reconnect.
    source.close();
    if (state === 'approved' && form) {
      if (status) status.textContent = 'Approved. Signing you in…';
      // The server checks the approval again before it grants the session.
      if (typeof form.requestSubmit === 'function') form.requestSubmit();
      else form.submit();
    } else {
      window.location.assign(live.getAttribute('data-result') || '/2fa/push');
    }
  });
})();

(function copyButtons() {
  for (const button of document.querySelectorAll('button[data-copy-target]')) {
    const input = document.getElementById(button.getAttribute('data-copy-target'));
    if (!input) continue;
    button.hidden = false;
    button.addEventListener('click', () => {
      const done = () => {
        button.textContent = 'Copied';
      };
      if (navigator.clipboard && typeof navigator.clipboard.writeText === 'function') {
        navigator.clipboard.writeText(input.value).then(done, () => {
          input.select();
          button.textContent = 'Press Ctrl+C to copy';
        });
      } else {
        input.select();
        button.textContent = 'Press Ctrl+C to copy';
      }
    });
  }
})();
