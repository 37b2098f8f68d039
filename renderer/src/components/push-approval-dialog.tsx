/**
 * The approval dialog ("Sign-in request"): who is signing in where, a countdown, the number the
 * sign-in page shows, and Approve / Deny. Deny asks whether it was fraud or a cancelled sign-in.
 *
 * Focus never starts on Approve: an Enter pressed by habit must not approve a sign-in the user did
 * not start (push bombing). With number matching, focus starts in the number field; without, on Deny.
 */
import { useEffect, useId, useLayoutEffect, useRef, useState, type FormEvent, type ReactElement } from 'react';
import { useApp } from '../app-context';
import { browserText, formatMoment, pushAccountName, secondsLeft } from '../push-format';
import type { ApprovalState } from '../push-store';
import { FieldShell, FormMessage } from './field';
import { focusAutofocus } from './modal-dialog';

/** The whole seconds left before `expiresAt` on the core's clock, updated a few times a second. */
function useCountdown(expiresAt: number, clockOffsetMs: number): number {
  const [left, setLeft] = useState(() => secondsLeft(expiresAt, Date.now() + clockOffsetMs));
  useEffect(() => {
    // React skips the render when the whole second has not changed.
    const tick = (): void => setLeft(secondsLeft(expiresAt, Date.now() + clockOffsetMs));
    tick();
    const timer = setInterval(tick, 250);
    return () => clearInterval(timer);
  }, [expiresAt, clockOffsetMs]);
  return left;
}

/** The approval dialog for the request the store shows, if any. */
export function PushApprovalDialog(): ReactElement | null {
  const approval = useApp((state) => state.push.approval);
  if (!approval) return null;
  return <ApprovalModal key={approval.request.id} approval={approval} />;
}

type InlineError = { field: 'number' | null; message: string };

function ApprovalModal({ approval }: { approval: ApprovalState }): ReactElement {
  const pushActions = useApp((state) => state.pushActions);
  const busy = useApp((state) => state.push.answering === approval.request.id);
  const clockOffsetMs = useApp((state) => state.push.clockOffsetMs);
  const { request, ended } = approval;
  const [view, setView] = useState<'main' | 'deny'>('main');
  const [number, setNumber] = useState('');
  const [error, setError] = useState<InlineError | null>(null);
  // Where focus goes back after a failed answer, once the controls are enabled again.
  const [refocus, setRefocus] = useState<{ target: 'number' | 'first' } | null>(null);
  const left = useCountdown(request.expiresAt, clockOffsetMs);
  const dialogRef = useRef<HTMLDialogElement>(null);
  const numberRef = useRef<HTMLInputElement>(null);
  const titleId = useId();
  const leadId = useId();
  const questionId = useId();
  const closeRef = useRef<() => void>(() => undefined);
  closeRef.current = ended ? pushActions.closeEnded : pushActions.dismiss;

  useLayoutEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog) return;
    if (!dialog.open) dialog.showModal();
    const onNativeClose = (): void => {
      if (!dialog.open) closeRef.current();
    };
    dialog.addEventListener('close', onNativeClose);
    return () => {
      dialog.removeEventListener('close', onNativeClose);
      if (dialog.open) dialog.close();
    };
  }, []);

  // Each view (and the expired notice) starts with focus on its safe first control.
  useLayoutEffect(() => focusAutofocus(dialogRef.current), [view, ended]);

  useEffect(() => {
    if (!refocus || busy) return;
    if (refocus.target === 'number' && numberRef.current) numberRef.current.focus();
    else focusAutofocus(dialogRef.current);
  }, [refocus, busy]);

  useEffect(() => {
    if (left === 0 && !ended) pushActions.expire(request.id);
  }, [left, ended, pushActions, request.id]);

  const approve = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (busy || ended) return;
    let answer: number | null = null;
    if (request.numberMatching) {
      if (!/^\d{1,2}$/.test(number)) {
        setError({ field: 'number', message: 'Type the number shown on the sign-in page (one or two digits).' });
        setRefocus({ target: 'number' });
        return;
      }
      answer = Number(number);
    }
    setError(null);
    const result = await pushActions.decide({ requestId: request.id, decision: 'approve', number: answer });
    if (result.ok) return;
    if (result.code === 'PUSH_WRONG_NUMBER' || (request.numberMatching && result.code === 'INPUT_INVALID')) {
      setNumber('');
      setError({ field: 'number', message: result.message });
      setRefocus({ target: 'number' });
    } else {
      setError({ field: null, message: result.message });
      setRefocus({ target: request.numberMatching ? 'number' : 'first' });
    }
  };

  const deny = async (reason: 'not-me' | 'cancelled'): Promise<void> => {
    if (busy || ended) return;
    setError(null);
    const result = await pushActions.decide({ requestId: request.id, decision: 'deny', reason });
    if (result.ok) return;
    setError({ field: null, message: result.message });
    setRefocus({ target: 'first' });
  };

  const name = pushAccountName(request);
  const formError = error && error.field === null ? error.message : null;

  return (
    <dialog
      ref={dialogRef}
      className="dialog push-approval"
      aria-labelledby={titleId}
      aria-describedby={leadId}
      data-testid="push-approval"
      onCancel={(event) => {
        // Escape closes without deciding; the request stays waiting and the list offers "Review".
        event.preventDefault();
        closeRef.current();
      }}
    >
      <div className="dialog-header">
        <h2 id={titleId}>Sign-in request</h2>
      </div>
      <div className="dialog-body">
        <p id={leadId} className="push-lead">
          Someone is signing in to <strong>{request.application}</strong> as <strong>{name}</strong>. Approve only if it
          is you.
        </p>
        <dl className="push-details">
          <div>
            <dt>Account</dt>
            <dd>{name}</dd>
          </div>
          <div>
            <dt>Server</dt>
            <dd>{request.server}</dd>
          </div>
          <div>
            <dt>Application</dt>
            <dd>{request.application}</dd>
          </div>
          <div>
            <dt>Browser</dt>
            <dd>{browserText(request)}</dd>
          </div>
          <div>
            <dt>IP address</dt>
            <dd>{request.ip}</dd>
          </div>
          <div>
            <dt>Location</dt>
            <dd>{request.location ? `${request.location} (approximate)` : 'Unknown'}</dd>
          </div>
          <div>
            <dt>Time</dt>
            <dd>
              <time dateTime={new Date(request.createdAt).toISOString()}>
                {formatMoment(request.createdAt, Date.now() + clockOffsetMs)}
              </time>
            </dd>
          </div>
        </dl>

        {ended ? null : (
          <p className="push-countdown" role="timer" data-testid="push-countdown">
            Expires in {left} s
          </p>
        )}
        {ended ? (
          <>
            <p className="push-ended" role="status">
              {ended === 'expired'
                ? 'This request has expired.'
                : 'The sign-in page closed this request after wrong numbers. If it was you, start the sign-in again.'}
            </p>
            <div className="button-row">
              <button type="button" className="primary" disabled>
                Approve
              </button>
              <button type="button" data-autofocus="" onClick={() => pushActions.closeEnded()}>
                Close
              </button>
            </div>
          </>
        ) : view === 'deny' ? (
          <div role="group" aria-labelledby={questionId} aria-busy={busy || undefined}>
            <p id={questionId} className="push-question">
              Why are you denying this sign-in?
            </p>
            <FormMessage error={formError} />
            <div className="button-row">
              <button type="button" className="danger" data-autofocus="" disabled={busy} onClick={() => void deny('not-me')}>
                This wasn't me
              </button>
              <button type="button" disabled={busy} onClick={() => void deny('cancelled')}>
                Cancel sign-in
              </button>
              <button
                type="button"
                disabled={busy}
                onClick={() => {
                  setError(null);
                  setView('main');
                }}
              >
                Back
              </button>
            </div>
          </div>
        ) : (
          <form onSubmit={(event) => void approve(event)} noValidate aria-busy={busy || undefined}>
            {request.numberMatching ? (
              <FieldShell label="Number shown on the sign-in page" error={error?.field === 'number' ? error.message : null}>
                {({ id, describedBy, invalid }) => (
                  <input
                    ref={numberRef}
                    id={id}
                    className="push-number"
                    type="text"
                    inputMode="numeric"
                    pattern="[0-9]*"
                    maxLength={2}
                    autoComplete="off"
                    spellCheck={false}
                    value={number}
                    // Read-only rather than disabled while sending, so focus stays here for a retry.
                    readOnly={busy}
                    aria-invalid={invalid || undefined}
                    aria-describedby={describedBy}
                    data-autofocus=""
                    onChange={(event) => setNumber(event.target.value.replace(/\D/g, '').slice(0, 2))}
                  />
                )}
              </FieldShell>
            ) : null}
            <FormMessage error={formError} />
            <div className="button-row">
              <button type="submit" className="primary" disabled={busy}>
                Approve
              </button>
              <button
                type="button"
                disabled={busy}
                data-autofocus={request.numberMatching ? undefined : ''}
                onClick={() => {
                  setError(null);
                  setView('deny');
                }}
              >
                Deny
              </button>
            </div>
          </form>
        )}
      </div>
    </dialog>
  );
}
