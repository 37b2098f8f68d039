/**
 * The "Push sign-in" tab of the add-account dialog: enroll this device from a twofold://enroll link
 * or from a QR image holding one.
 */
import { useState, type FormEvent, type ReactElement } from 'react';
import type { PushAccountView } from '../../../common/api-contract';
import { useApi, useApp } from '../app-context';
import { toFormError, type FormError } from '../form-error';
import { readQrImageFile } from '../qr-image-file';
import { FieldShell, FormMessage } from './field';

/** True for a push enrollment link, which the URI tab hands to push enrollment instead of failing. */
export function isEnrollmentLink(text: string): boolean {
  return /^twofold:\/\/enroll\?/i.test(text.trim());
}

/**
 * Busy state and field-aware errors of an enrollment call. On success the store closes the dialog
 * and toasts, so nothing is set here afterwards.
 */
export function useEnrollFlow(): {
  busy: boolean;
  error: FormError | null;
  setError: (error: FormError | null) => void;
  run: (call: () => Promise<PushAccountView>, field: string) => Promise<void>;
} {
  const pushActions = useApp((state) => state.pushActions);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<FormError | null>(null);
  return {
    busy,
    error,
    setError,
    run: async (call, field) => {
      setBusy(true);
      setError(null);
      try {
        pushActions.enrolled(await call());
      } catch (caught) {
        setError(toFormError(caught, {}, field));
        setBusy(false);
      }
    },
  };
}

/** The push enrollment tab. */
export function PushEnrollTab(): ReactElement {
  const api = useApi();
  const flow = useEnrollFlow();
  const enrollmentServer = useApp((state) => state.policy?.enrollmentServer ?? null);
  const [uri, setUri] = useState('');

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    if (uri.trim() === '') {
      flow.setError({
        field: 'uri',
        message: 'Paste the enrollment link from the site’s security page. It starts with twofold://enroll?',
      });
      return;
    }
    void flow.run(() => api.push.enroll({ uri: uri.trim() }), 'uri');
  };

  const onFile = async (file: File | undefined, input: HTMLInputElement): Promise<void> => {
    if (!file) return;
    // Let the user pick the same file again after fixing whatever was wrong.
    input.value = '';
    const read = await readQrImageFile(file, 'the enrollment QR code');
    if (!read.ok) {
      flow.setError({ field: 'image', message: read.message });
      return;
    }
    await flow.run(() => api.push.enrollFromImage({ imageBase64: read.imageBase64 }), 'image');
  };

  const fieldError = (field: string): string | null => (flow.error?.field === field ? flow.error.message : null);

  return (
    <div>
      {enrollmentServer ? (
        <p className="note">
          Your organisation set up sign-in with {enrollmentServer.name} ({enrollmentServer.url}). Enroll from its
          security page to approve sign-ins from this computer.
        </p>
      ) : null}
      <p className="lead">
        Approve sign-ins with one click: open the security page of the site, choose to enroll a Twofold device, and
        paste its link or choose a screenshot of its QR code.
      </p>
      <form onSubmit={submit} noValidate>
        <FieldShell label="Enrollment link" error={fieldError('uri')}>
          {({ id, describedBy, invalid }) => (
            <textarea
              id={id}
              rows={3}
              value={uri}
              spellCheck={false}
              autoComplete="off"
              placeholder="twofold://enroll?…"
              aria-invalid={invalid || undefined}
              aria-describedby={describedBy}
              data-autofocus=""
              onChange={(event) => setUri(event.target.value)}
            />
          )}
        </FieldShell>
        <div className="button-row">
          <button type="submit" className="primary" disabled={flow.busy}>
            Enroll
          </button>
        </div>
      </form>
      <p className="divider-text">or</p>
      <FieldShell
        label="Enrollment QR image"
        error={fieldError('image')}
        hint="PNG or JPEG. Twofold enrolls as soon as you choose the image."
      >
        {({ id, describedBy, invalid }) => (
          <input
            id={id}
            type="file"
            accept="image/png,image/jpeg"
            disabled={flow.busy}
            aria-invalid={invalid || undefined}
            aria-describedby={describedBy}
            onChange={(event) => void onFile(event.target.files?.[0], event.target)}
          />
        )}
      </FieldShell>
      <FormMessage error={flow.error && flow.error.field === null ? flow.error.message : null} />
      {flow.busy ? <p role="status">Enrolling…</p> : null}
    </div>
  );
}
