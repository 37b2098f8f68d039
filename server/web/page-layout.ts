/**
 * The shared page frame: head (one stylesheet, one deferred script), site header, main landmark.
 */
import { html, type HtmlValue, type SafeHtml } from './html';

/** Where the static files are served. */
export const STATIC_PATHS = { css: '/static/idp.css', js: '/static/idp.js' } as const;

/** What the frame needs besides the body. */
export interface LayoutOptions {
  title: string;
  /** When set, the header offers the signed-in links and a sign-out form carrying this CSRF token. */
  signedInCsrf?: string;
}

/** A whole HTML document around `body`. */
export function layout(options: LayoutOptions, body: SafeHtml): string {
  const nav = options.signedInCsrf
    ? html`<nav aria-label="Account">
        <a href="/account">Account</a><a href="/security">Security</a><a href="/profile">Profile</a>
        <form class="inline" method="post" action="/signout">${csrfField(options.signedInCsrf)}<button type="submit" class="secondary" id="signout">Sign out</button></form>
      </nav>`
    : '';
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${options.title} · Twofold IdP</title>
<link rel="stylesheet" href="${STATIC_PATHS.css}">
<script src="${STATIC_PATHS.js}" defer></script>
</head>
<body>
<header class="site"><a class="brand" href="/">Twofold IdP</a>${nav}</header>
<main id="main">
${body}
</main>
</body>
</html>
`.value;
}

/** The hidden CSRF field every form carries. */
export function csrfField(token: string): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${token}">`;
}

/** A notice (role=status) or nothing. */
export function noticeBlock(text: string | undefined): HtmlValue {
  return text ? html`<p class="notice" role="status" id="notice">${text}</p>` : '';
}

/** A form-level error (role=alert) or nothing. */
export function errorBlock(text: string | undefined): HtmlValue {
  return text ? html`<p class="error" role="alert" id="form-error">${text}</p>` : '';
}

/** A simple page with a heading, a message and a way on. */
export function messagePage(title: string, message: string, link: { href: string; text: string }): string {
  return layout({ title }, html`<h1>${title}</h1><p>${message}</p><p><a href="${link.href}">${link.text}</a></p>`);
}
