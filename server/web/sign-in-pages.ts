/**
 * The sign-in pages: password, the push waiting page and its outcomes, the code page, and
 * "Try another way". Pure functions from view data to HTML.
 */
import { html, type HtmlValue } from './html';
import { csrfField, errorBlock, layout, noticeBlock } from './page-layout';
import type { PushRefusal, PushRequestState } from '../context';

/** The checkbox on every 2-step page. */
export const REMEMBER_LABEL = 'Remember this device for 30 days';

function rememberBox(checked: boolean): HtmlValue {
  return html`<label class="check"><input type="checkbox" id="remember" name="remember" value="yes"${checked ? html` checked` : ''}> ${REMEMBER_LABEL}</label>`;
}

const tryAnotherWay = html`<a href="/2fa/other" id="try-another-way">Try another way</a>`;

/** The password page. */
export function signInPage(view: { csrf: string; email?: string; error?: string; notice?: string }): string {
  return layout(
    { title: 'Sign in' },
    html`<h1>Sign in</h1>
${noticeBlock(view.notice)}${errorBlock(view.error)}
<form method="post" action="/signin" novalidate>
  ${csrfField(view.csrf)}
  <label for="email">Email</label>
  <input type="email" id="email" name="email" autocomplete="username" required maxlength="254" value="${view.email ?? ''}">
  <label for="password">Password</label>
  <input type="password" id="password" name="password" autocomplete="current-password" required maxlength="1024">
  <button type="submit">Sign in</button>
</form>`,
  );
}

/** The push waiting page: the number to type in Twofold, live status, and a no-script "Check status". */
export function pushWaitingPage(view: { csrf: string; number: number; remember: boolean }): string {
  const number = String(view.number).padStart(2, '0');
  return layout(
    { title: 'Check your Twofold app' },
    html`<h1>We sent a request to your Twofold app</h1>
<p>Open Twofold and enter this number to approve the sign-in:</p>
<p class="push-number" id="push-number" aria-label="Number to enter in Twofold">${number}</p>
<div id="push-live" data-events="/2fa/push/events" data-result="/2fa/push">
  <p class="status" id="push-status" role="status" aria-live="polite">Waiting for your approval…</p>
</div>
<form method="post" action="/2fa/push/complete" id="push-complete-form">
  ${csrfField(view.csrf)}
  ${rememberBox(view.remember)}
  <div class="actions"><button type="submit" class="secondary" id="check-status">Check status</button> ${tryAnotherWay}</div>
</form>`,
  );
}

/** Shown (without script) when the push was approved but the session is not yet granted. */
export function pushApprovedPage(view: { csrf: string; remember: boolean }): string {
  return layout(
    { title: 'Request approved' },
    html`<h1>Request approved</h1>
<p>You approved the sign-in in Twofold.</p>
<form method="post" action="/2fa/push/complete" id="push-complete-form">
  ${csrfField(view.csrf)}
  ${rememberBox(view.remember)}
  <button type="submit">Continue</button>
</form>`,
  );
}

function retryForm(csrf: string, label: string): HtmlValue {
  return html`<form method="post" action="/2fa/push/retry" class="inline">${csrfField(csrf)}<button type="submit" id="push-retry">${label}</button></form>`;
}

/** A push that ended without approval: denied, reported as fraud, or timed out. */
export function pushEndedPage(view: { csrf: string; state: Exclude<PushRequestState, 'pending' | 'approved'> }): string {
  if (view.state === 'expired') {
    return layout(
      { title: 'The request timed out' },
      html`<h1>The request timed out</h1>
<p id="push-outcome">Twofold did not answer in time, so the request expired.</p>
<div class="actions">${retryForm(view.csrf, 'Try push again')} ${tryAnotherWay}</div>`,
    );
  }
  const detail =
    view.state === 'fraud'
      ? 'The request was reported in Twofold as not you. Push requests to this account are now paused for 20 minutes.'
      : 'The sign-in request was denied in Twofold.';
  return layout(
    { title: 'Request denied' },
    html`<h1>Request denied</h1>
<p id="push-outcome">${detail}</p>
<div class="actions">${tryAnotherWay}</div>`,
  );
}

/** Push could not be sent: paused after a fraud report, or too many recent requests. */
export function pushRefusedPage(view: { reason: Exclude<PushRefusal, 'no_device'>; minutesLeft: number | null }): string {
  const wait = view.minutesLeft === null ? '' : ` for about ${view.minutesLeft} ${view.minutesLeft === 1 ? 'minute' : 'minutes'}`;
  const [title, message] =
    view.reason === 'muted'
      ? ['Push requests are paused', `A recent request was reported in Twofold as not you, so push requests to this account are paused${wait}. Sign in another way.`]
      : ['Too many push requests', `This account has had too many push requests recently. Wait${wait || ' a while'} before asking for another, or sign in another way.`];
  return layout({ title }, html`<h1>${title}</h1><p id="push-outcome">${message}</p><div class="actions">${tryAnotherWay}</div>`);
}

/** The 6-digit authenticator code page. */
export function codePage(view: { csrf: string; error?: string; remember: boolean }): string {
  return layout(
    { title: 'Enter your authenticator code' },
    html`<h1>Enter your authenticator code</h1>
<p>Open your authenticator app (for example Twofold) and enter the 6-digit code for this account.</p>
${errorBlock(view.error)}
<form method="post" action="/2fa/code" novalidate>
  ${csrfField(view.csrf)}
  <label for="code">6-digit code</label>
  <input type="text" id="code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]*" maxlength="12" required
    ${view.error ? html`aria-invalid="true" aria-describedby="form-error"` : ''}>
  ${rememberBox(view.remember)}
  <div class="actions"><button type="submit">Verify</button> ${tryAnotherWay}</div>
</form>`,
  );
}

/** "Try another way": every method the user has enrolled. */
export function otherWaysPage(view: { csrf: string; push: boolean; code: boolean }): string {
  const items: HtmlValue[] = [];
  if (view.push) {
    items.push(
      html`<li><form method="post" action="/2fa/push/retry">${csrfField(view.csrf)}<button type="submit" class="secondary" id="method-push">Send a push to Twofold</button></form></li>`,
    );
  }
  if (view.code) items.push(html`<li><a href="/2fa/code" id="method-code">Enter a code from your authenticator app</a></li>`);
  const list = items.length
    ? html`<ul class="methods">${items}</ul>`
    : html`<p>No 2-step method is available for this account right now. Contact your administrator.</p>`;
  return layout(
    { title: 'Try another way' },
    html`<h1>Try another way</h1>
<p>Choose how to confirm it's you:</p>
${list}
<p><a href="/signin">Sign in as someone else</a></p>`,
  );
}
