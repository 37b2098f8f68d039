/**
 * The signed-in pages: account, security (Twofold devices, authenticator app, default method,
 * activity) and profile. Pure functions from view data to HTML.
 */
import { html, type HtmlValue } from './html';
import { csrfField, errorBlock, layout, noticeBlock } from './page-layout';
import { NAME_HINT, PASSWORD_HINT, PROFILE_MESSAGES, type ProfileErrors, type ProfileInput } from './profile-validation';
import type { DeviceView } from '../context';

/** A time as the pages show it: `2025-06-01 14:03:07 UTC`. */
export function formatTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** The signed-in landing page. */
export function accountPage(view: { csrf: string; name: string; email: string; notice?: string; hasSecondFactor: boolean }): string {
  const nudge = view.hasSecondFactor
    ? ''
    : html`<p class="error" role="note" id="setup-2fa">2-step verification is not set up yet: anyone with your password can sign in. <a href="/security">Set it up on the Security page.</a></p>`;
  return layout(
    { title: "You're signed in", signedInCsrf: view.csrf },
    html`<h1>You're signed in</h1>
${noticeBlock(view.notice)}
<p>Welcome, <strong id="account-name">${view.name}</strong> <span class="muted">(<span id="account-email">${view.email}</span>)</span>.</p>
${nudge}
<ul>
  <li><a href="/security">Security</a>: Twofold devices, authenticator app, activity</li>
  <li><a href="/profile">Profile</a>: name, email and password</li>
</ul>`,
  );
}

/** One audit log entry. */
export interface AuditEntry {
  at: number;
  event: string;
  detail: Record<string, unknown>;
}

const EVENT_NAMES: Record<string, string> = {
  'push.sent': 'Push request sent',
  'push.approved': 'Push request approved',
  'push.denied': 'Push request denied',
  'push.fraud': 'Push reported as not you',
  'push.expired': 'Push request expired',
  'push.muted': 'Push requests paused',
  'push.rate_limited': 'Push request refused: too many requests',
  'push.refused': 'Push request refused',
  'push.decision_refused': 'Push decision refused',
  'push.wrong_number': 'Wrong number entered in Twofold',
  'device.registered': 'Twofold device enrolled',
  'device.enrolled': 'Twofold device enrolled',
  'device.revoked': 'Twofold device revoked',
  'device.enrollment_created': 'Enrollment link created',
  'signin.password': 'Password accepted',
  'signin.completed': 'Signed in',
  'signin.remembered': 'Signed in on a remembered device',
  'code.accepted': 'Authenticator code accepted',
  'code.failed': 'Wrong authenticator code',
  'code.locked': 'Authenticator codes locked for 5 minutes',
  'totp.enrolled': 'Authenticator app set up',
  'profile.updated': 'Profile updated',
  'password.changed': 'Password changed: all sessions ended',
};

/** A readable name for an audit event. */
export function describeEvent(event: string): string {
  return EVENT_NAMES[event] ?? event;
}

function describeDetail(detail: Record<string, unknown>): string {
  return Object.entries(detail)
    .filter(([, v]) => ['string', 'number', 'boolean'].includes(typeof v))
    // Times in the log are epoch milliseconds; show them like the Time column.
    .map(([k, v]) => `${k}: ${typeof v === 'number' && /(At|until|Until)$/.test(k) ? formatTime(v) : String(v)}`)
    .join(', ');
}

/** A shown enrollment: QR (PNG data URL) and the link. */
export interface EnrollmentView {
  uri: string;
  qr: string;
  expiresAt: number;
}

/** Everything the security page shows. */
export interface SecurityView {
  csrf: string;
  notice?: string;
  error?: string;
  enrollment?: EnrollmentView;
  devices: DeviceView[];
  totpEnrolled: boolean;
  totpPending?: { uri: string; qr: string; secret: string; error?: string };
  defaultMethod: 'push' | 'code';
  audit: AuditEntry[];
}

function copyRow(id: string, label: string, value: string): HtmlValue {
  return html`<label for="${id}">${label}</label>
<div class="copy-row"><input class="uri" type="text" id="${id}" readonly value="${value}"><button type="button" class="secondary" data-copy-target="${id}" id="${id}-copy" hidden>Copy</button></div>`;
}

function enrollmentSection(csrf: string, enrollment: EnrollmentView | undefined): HtmlValue {
  if (!enrollment) {
    return html`<form method="post" action="/security/enroll">${csrfField(csrf)}<button type="submit" id="enroll-device">Enroll a Twofold device</button></form>`;
  }
  return html`<section aria-labelledby="enroll-heading" id="enrollment">
<h3 id="enroll-heading">Scan with Twofold</h3>
<p>Scan this QR code with Twofold, open the link on this computer, or copy the link into Twofold. It is valid for 10 minutes (until ${formatTime(enrollment.expiresAt)}) and works once.</p>
<img class="qr" id="enroll-qr" src="${enrollment.qr}" alt="Enrollment QR code" width="240" height="240">
<p><a href="${enrollment.uri}" id="enroll-link">Open in Twofold</a></p>
${copyRow('enroll-uri', 'Enrollment link', enrollment.uri)}
</section>`;
}

function devicesTable(csrf: string, devices: DeviceView[]): HtmlValue {
  if (devices.length === 0) return html`<p id="no-devices">No Twofold device is enrolled yet.</p>`;
  const rows = devices.map((d) => {
    const status = d.revokedAt !== null ? `Revoked ${formatTime(d.revokedAt)}` : d.connected ? 'Connected' : 'Not connected';
    const action =
      d.revokedAt === null
        ? html`<form method="post" action="/security/devices/revoke">${csrfField(csrf)}<input type="hidden" name="deviceId" value="${d.id}"><button type="submit" class="danger" aria-label="Revoke ${d.name}">Revoke</button></form>`
        : '';
    return html`<tr data-device-id="${d.id}"><td>${d.name}</td><td>${formatTime(d.createdAt)}</td><td>${d.lastSeenAt === null ? 'Never' : formatTime(d.lastSeenAt)}</td><td>${status}</td><td>${action}</td></tr>`;
  });
  return html`<table id="devices"><thead><tr><th scope="col">Device</th><th scope="col">Enrolled</th><th scope="col">Last seen</th><th scope="col">Status</th><th scope="col"><span class="muted">Action</span></th></tr></thead><tbody>${rows}</tbody></table>`;
}

function totpSection(view: SecurityView): HtmlValue {
  if (view.totpPending) {
    const p = view.totpPending;
    return html`<section aria-labelledby="totp-heading" id="totp-enrollment">
<h3 id="totp-heading">Scan with your authenticator app</h3>
<img class="qr" id="totp-qr" src="${p.qr}" alt="Authenticator QR code" width="240" height="240">
${copyRow('totp-uri', 'Setup link', p.uri)}
<p class="hint">Or type this key: <code id="totp-secret">${p.secret}</code></p>
${errorBlock(p.error)}
<form method="post" action="/security/totp/confirm" novalidate>
  ${csrfField(view.csrf)}
  <label for="totp-code">Code from the app</label>
  <input type="text" id="totp-code" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="12" required>
  <button type="submit" id="totp-confirm">Confirm</button>
</form>
</section>`;
  }
  const state = view.totpEnrolled
    ? html`<p id="totp-state">An authenticator app is set up.</p>`
    : html`<p id="totp-state">No authenticator app is set up.</p>`;
  return html`${state}<form method="post" action="/security/totp/start">${csrfField(view.csrf)}<button type="submit" class="secondary" id="totp-start">${
    view.totpEnrolled ? 'Replace the authenticator app' : 'Set up an authenticator app'
  }</button></form>`;
}

function auditTable(entries: AuditEntry[]): HtmlValue {
  if (entries.length === 0) return html`<p id="audit-empty">No activity yet.</p>`;
  const rows = entries.map(
    (e) => html`<tr data-event="${e.event}"><td>${formatTime(e.at)}</td><td>${describeEvent(e.event)}</td><td class="muted">${describeDetail(e.detail)}</td></tr>`,
  );
  return html`<table id="audit-log"><thead><tr><th scope="col">Time</th><th scope="col">Event</th><th scope="col">Details</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/** The security page. */
export function securityPage(view: SecurityView): string {
  const selected = (m: string) => (view.defaultMethod === m ? html` selected` : '');
  return layout(
    { title: 'Security', signedInCsrf: view.csrf },
    html`<h1>Security</h1>
${noticeBlock(view.notice)}${errorBlock(view.error)}
<h2>Twofold devices</h2>
${devicesTable(view.csrf, view.devices)}
${enrollmentSection(view.csrf, view.enrollment)}
<h2>Authenticator app</h2>
${totpSection(view)}
<h2>Default sign-in method</h2>
<form method="post" action="/security/default-method">
  ${csrfField(view.csrf)}
  <label for="default-method">Second step to offer first</label>
  <select id="default-method" name="method">
    <option value="push"${selected('push')}>Twofold push</option>
    <option value="code"${selected('code')}>Authenticator code</option>
  </select>
  <button type="submit" id="default-method-save">Save</button>
</form>
<h2>Activity</h2>
${auditTable(view.audit)}`,
  );
}

function field(
  view: { errors: ProfileErrors },
  name: keyof ProfileInput,
  id: string,
  hint: string | null,
  extraDescription = '',
): { attrs: HtmlValue; after: HtmlValue } {
  const error = view.errors[name];
  const describedBy = [error ? `${id}-error` : '', hint ? `${id}-hint` : '', extraDescription].filter(Boolean).join(' ');
  return {
    attrs: html`${error ? html` aria-invalid="true"` : ''}${describedBy ? html` aria-describedby="${describedBy}"` : ''}`,
    after: html`${hint ? html`<p class="hint" id="${id}-hint">${hint}</p>` : ''}${error ? html`<p class="field-error" id="${id}-error">${error}</p>` : ''}`,
  };
}

/** The profile page. */
export function profilePage(view: { csrf: string; values: Omit<ProfileInput, 'password'>; errors: ProfileErrors; notice?: string }): string {
  const first = field(view, 'firstName', 'first-name', NAME_HINT);
  const last = field(view, 'lastName', 'last-name', null);
  const email = field(view, 'email', 'email', null);
  const password = field(view, 'password', 'password', PASSWORD_HINT, 'password-warning');
  return layout(
    { title: 'Profile', signedInCsrf: view.csrf },
    html`<h1>Profile</h1>
${noticeBlock(view.notice)}
<form method="post" action="/profile" novalidate>
  ${csrfField(view.csrf)}
  <label for="first-name">First name</label>
  <input type="text" id="first-name" name="firstName" autocomplete="given-name" value="${view.values.firstName}"${first.attrs}>
  ${first.after}
  <label for="last-name">Last name</label>
  <input type="text" id="last-name" name="lastName" autocomplete="family-name" value="${view.values.lastName}"${last.attrs}>
  ${last.after}
  <label for="email">Email</label>
  <input type="email" id="email" name="email" autocomplete="email" value="${view.values.email}"${email.attrs}>
  ${email.after}
  <label for="password">New password</label>
  <input type="password" id="password" name="password" autocomplete="new-password"${password.attrs}>
  <p class="warning" id="password-warning">${PROFILE_MESSAGES.passwordChange}</p>
  ${password.after}
  <button type="submit" id="profile-save">Save changes</button>
</form>`,
  );
}
