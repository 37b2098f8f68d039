/**
 * The policy checks of policy-merge applied to what the core reads from outside: enrollment links,
 * push servers the core connects to, and imports whose refused entries are reported to the user
 * rather than thrown. Shared by the core's push code and its import handlers.
 */
import { TwofoldError } from '../../../common/errors';
import { parseEnrollmentUri } from '../../../common/push-protocol';
import { accountTitle } from '../core-messages';
import type { ParsedImport } from '../import/import-types';
import { checkIssuerAllowed, checkPushServer } from './policy-merge';
import type { ManagedPolicy } from './policy-schema';

/** A policy refusal's message, or null when `check` passes. Other errors are not refusals and go on up. */
export function policyRefusal(check: () => void): string | null {
  try {
    check();
    return null;
  } catch (error) {
    if (error instanceof TwofoldError && error.code === 'POLICY_FORBIDDEN') return error.message;
    throw error;
  }
}

/** Refuses enrolling with a push server outside the policy's allowlist (the link's own problems are push.enroll's to report). */
export function checkEnrollmentServer(policy: ManagedPolicy, uri: string): void {
  const link = parseEnrollmentUri(uri);
  if (link.ok) checkPushServer(policy, link.value.server, 'enroll');
}

/**
 * Moves the entries the policy does not allow (code accounts of other issuers, enrollments with
 * other push servers) into the preview's errors, with the policy's reason: never silently dropped.
 */
export function applyImportPolicy(policy: ManagedPolicy, parsed: ParsedImport): ParsedImport {
  if (policy.allowedIssuers === null && policy.allowedPushServers === null) return parsed;
  const errors = [...parsed.errors];
  const accounts = parsed.accounts.filter((account) => {
    const refusal = policyRefusal(() => checkIssuerAllowed(policy, account.params.issuer));
    if (refusal !== null) errors.push({ index: account.index, name: accountTitle(account.params), message: refusal });
    return refusal === null;
  });
  const enrollments = parsed.enrollments.filter((found) => {
    const link = parseEnrollmentUri(found.uri);
    // A link that doesn't parse is reported by the preview itself.
    if (!link.ok) return true;
    const refusal = policyRefusal(() => checkPushServer(policy, link.value.server, 'enroll'));
    if (refusal !== null) errors.push({ index: found.index, name: 'Push sign-in enrollment', message: refusal });
    return refusal === null;
  });
  return { ...parsed, accounts, errors, enrollments };
}
