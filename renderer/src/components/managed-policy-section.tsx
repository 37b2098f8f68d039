/**
 * The "Managed policy" section of Settings: shown only when IT set a policy on this machine (or
 * tried to). It says where the policy comes from and lists its problems, each of which Twofold
 * answered with the safe choice.
 */
import type { ReactElement } from 'react';
import { useApp } from '../app-context';

/** The managed policy section; nothing when no policy is in force, none was refused, and it could be read. */
export function ManagedPolicySection(): ReactElement | null {
  const policy = useApp((state) => state.policy);
  const policyError = useApp((state) => state.policyError);
  if (policyError) {
    return (
      <section className="section" aria-labelledby="managed-policy-heading">
        <h3 id="managed-policy-heading">Managed policy</h3>
        <p className="form-error">Twofold could not tell which policy is in force: {policyError}</p>
      </section>
    );
  }
  if (!policy || (!policy.managed && policy.problems.length === 0)) return null;
  return (
    <section className="section" aria-labelledby="managed-policy-heading">
      <h3 id="managed-policy-heading">Managed policy</h3>
      {policy.managed ? (
        <p>
          Your organisation manages some of Twofold’s settings on this computer. They are marked “Managed by your
          organisation”.
        </p>
      ) : null}
      {policy.sources.length > 0 ? (
        <p className="field-hint">Read from {policy.sources.join(', ')}.</p>
      ) : null}
      {policy.problems.length > 0 ? (
        <div className="warning-box">
          <p>Twofold found problems in the policy and used the safe choice instead. Ask your IT team to fix them:</p>
          <ul aria-label="Policy problems">
            {policy.problems.map((problem) => (
              <li key={problem}>{problem}</li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}
