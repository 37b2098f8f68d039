/**
 * The add-account dialog: four tabs (otpauth URI, QR image, manual entry, push sign-in enrollment),
 * inline validation messages, and the "this account already exists" choice. "Import…" leads to the
 * import dialog for whole exports and several QR codes.
 */
import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent, type ReactElement } from 'react';
import type { AccountView, AddResult, Algorithm, OnDuplicate, OtpType } from '../../../common/api-contract';
import { useActions, useApi } from '../app-context';
import { colourHex, colourOptions } from '../colours';
import { toFormError, type FormError } from '../form-error';
import { readQrImageFile } from '../qr-image-file';
import { FieldShell, FormMessage, SelectField, TextField } from './field';
import { focusAutofocus, ModalDialog } from './modal-dialog';
import { isEnrollmentLink, PushEnrollTab, useEnrollFlow } from './push-enroll-tab';

type Tab = 'uri' | 'image' | 'manual' | 'push';

const TABS: readonly { id: Tab; label: string }[] = [
  { id: 'uri', label: 'URI' },
  { id: 'image', label: 'QR image' },
  { id: 'manual', label: 'Manual' },
  { id: 'push', label: 'Push sign-in' },
];


/** One add call, re-runnable with the user's duplicate choice. */
type AddCall = (onDuplicate: OnDuplicate) => Promise<AddResult>;

/**
 * Shared submit logic of the three tabs: busy state, errors, and the duplicate prompt.
 * `onlyField`, for tabs with a single input, shows every field error next to that input.
 */
function useAddFlow(fieldMap: Readonly<Record<string, string>>, onlyField?: string): {
  busy: boolean;
  error: FormError | null;
  setError: (error: FormError | null) => void;
  duplicate: AccountView | null;
  run: (call: AddCall) => Promise<void>;
  resolveDuplicate: (choice: 'add-anyway' | 'replace' | null) => Promise<void>;
} {
  const actions = useActions();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<FormError | null>(null);
  const [duplicate, setDuplicate] = useState<{ existing: AccountView; call: AddCall } | null>(null);

  const attempt = async (call: AddCall, onDuplicate: OnDuplicate): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      const result = await call(onDuplicate);
      if (result.status === 'duplicate') {
        setDuplicate({ existing: result.existing, call });
        setBusy(false);
        return;
      }
      actions.accountAdded(result);
    } catch (caught) {
      setDuplicate(null);
      setError(toFormError(caught, fieldMap, onlyField));
      setBusy(false);
    }
  };

  return {
    busy,
    error,
    setError,
    duplicate: duplicate?.existing ?? null,
    run: (call) => attempt(call, 'ask'),
    resolveDuplicate: async (choice) => {
      const pending = duplicate;
      setDuplicate(null);
      if (pending && choice) await attempt(pending.call, choice);
    },
  };
}

/** Asks what to do with a duplicate: add anyway, replace the existing one, or cancel. */
function DuplicatePrompt({
  existing,
  onChoose,
}: {
  existing: AccountView;
  onChoose: (choice: 'add-anyway' | 'replace' | null) => void;
}): ReactElement {
  const ref = useRef<HTMLDivElement>(null);
  const headingId = useId();
  useEffect(() => focusAutofocus(ref.current), []);
  const name = [existing.issuer, existing.label].filter(Boolean).join(' · ');
  return (
    <div ref={ref} className="duplicate" role="group" aria-labelledby={headingId}>
      <h3 id={headingId}>This account already exists</h3>
      <p>
        {name || 'An account'} is already in your vault with the same secret. Adding it again gives you two rows with
        the same codes.
      </p>
      <div className="button-row">
        <button type="button" className="primary" data-autofocus="" onClick={() => onChoose('add-anyway')}>
          Add anyway
        </button>
        <button type="button" onClick={() => onChoose('replace')}>
          Replace existing
        </button>
        <button type="button" onClick={() => onChoose(null)}>
          Cancel
        </button>
      </div>
    </div>
  );
}

function UriTab(): ReactElement {
  const api = useApi();
  const flow = useAddFlow({ uri: 'uri' }, 'uri');
  // A pasted push enrollment link is enrolled rather than refused as a bad otpauth link.
  const enrollFlow = useEnrollFlow();
  const [uri, setUri] = useState('');
  const error = enrollFlow.error ?? flow.error;
  const busy = flow.busy || enrollFlow.busy;

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    enrollFlow.setError(null);
    if (uri.trim() === '') {
      flow.setError({ field: 'uri', message: 'Paste an otpauth:// link, for example from a “can’t scan the code?” page.' });
      return;
    }
    if (isEnrollmentLink(uri)) {
      flow.setError(null);
      void enrollFlow.run(() => api.push.enroll({ uri: uri.trim() }), 'uri');
      return;
    }
    void flow.run((onDuplicate) => api.accounts.addFromUri({ uri: uri.trim(), onDuplicate }));
  };

  if (flow.duplicate) return <DuplicatePrompt existing={flow.duplicate} onChoose={(c) => void flow.resolveDuplicate(c)} />;
  return (
    <form onSubmit={submit} noValidate>
      <FieldShell label="otpauth URI" error={error?.field === 'uri' ? error.message : null}>
        {({ id, describedBy, invalid }) => (
          <textarea
            id={id}
            rows={4}
            value={uri}
            spellCheck={false}
            autoComplete="off"
            placeholder="otpauth://totp/Example:alice@example.com?secret=…&issuer=Example"
            aria-invalid={invalid || undefined}
            aria-describedby={describedBy}
            data-autofocus=""
            onChange={(event) => setUri(event.target.value)}
          />
        )}
      </FieldShell>
      <FormMessage error={error && error.field === null ? error.message : null} />
      <div className="button-row">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Adding…' : 'Add account'}
        </button>
      </div>
    </form>
  );
}

function ImageTab(): ReactElement {
  const api = useApi();
  const flow = useAddFlow({ imageBase64: 'image', image: 'image' }, 'image');

  const onFile = async (file: File | undefined, input: HTMLInputElement): Promise<void> => {
    if (!file) return;
    // Let the user pick the same file again after fixing whatever was wrong.
    input.value = '';
    const read = await readQrImageFile(file, 'the QR code');
    if (!read.ok) {
      flow.setError({ field: 'image', message: read.message });
      return;
    }
    await flow.run((onDuplicate) => api.accounts.addFromImage({ imageBase64: read.imageBase64, onDuplicate }));
  };

  if (flow.duplicate) return <DuplicatePrompt existing={flow.duplicate} onChoose={(c) => void flow.resolveDuplicate(c)} />;
  return (
    <div>
      <FieldShell
        label="QR code image (PNG or JPEG)"
        error={flow.error?.field === 'image' ? flow.error.message : null}
        hint="The account is added as soon as you choose the image."
      >
        {({ id, describedBy, invalid }) => (
          <input
            id={id}
            type="file"
            accept="image/png,image/jpeg"
            disabled={flow.busy}
            aria-invalid={invalid || undefined}
            aria-describedby={describedBy}
            data-autofocus=""
            onChange={(event) => void onFile(event.target.files?.[0], event.target)}
          />
        )}
      </FieldShell>
      <p className="divider-text">or</p>
      <div className="button-row">
        <button
          type="button"
          disabled={flow.busy}
          onClick={() => void flow.run((onDuplicate) => api.accounts.addFromClipboardImage({ onDuplicate }))}
        >
          Paste image from clipboard
        </button>
      </div>
      <FormMessage error={flow.error && flow.error.field === null ? flow.error.message : null} />
      {flow.busy ? <p role="status">Reading the QR code…</p> : null}
    </div>
  );
}

interface ManualForm {
  issuer: string;
  label: string;
  secret: string;
  type: OtpType;
  algorithm: Algorithm;
  digits: '6' | '7' | '8';
  period: string;
  counter: string;
  colour: string;
}

const MANUAL_FIELDS = {
  issuer: 'issuer',
  label: 'label',
  secret: 'secret',
  type: 'type',
  algorithm: 'algorithm',
  digits: 'digits',
  period: 'period',
  counter: 'counter',
  color: 'colour',
} as const;

function ManualTab(): ReactElement {
  const api = useApi();
  const flow = useAddFlow(MANUAL_FIELDS);
  const [form, setForm] = useState<ManualForm>({
    issuer: '',
    label: '',
    secret: '',
    type: 'totp',
    algorithm: 'SHA1',
    digits: '6',
    period: '30',
    counter: '0',
    colour: 'none',
  });
  const set = <K extends keyof ManualForm>(key: K) => (value: ManualForm[K]) => setForm((f) => ({ ...f, [key]: value }));
  const fieldError = (field: string): string | null => (flow.error?.field === field ? flow.error.message : null);

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    if (form.secret.trim() === '') {
      flow.setError({ field: 'secret', message: 'Enter the secret key the site showed you (letters A–Z and digits 2–7).' });
      return;
    }
    const period = Number(form.period);
    const counter = Number(form.counter);
    if (form.type === 'totp' && (!Number.isInteger(period) || period < 1)) {
      flow.setError({ field: 'period', message: 'The period is a whole number of seconds, usually 30.' });
      return;
    }
    if (form.type === 'hotp' && (!Number.isInteger(counter) || counter < 0)) {
      flow.setError({ field: 'counter', message: 'The counter is a whole number, 0 or more, usually 0.' });
      return;
    }
    const input = {
      issuer: form.issuer.trim(),
      label: form.label.trim(),
      secret: form.secret,
      type: form.type,
      algorithm: form.algorithm,
      digits: Number(form.digits),
      period: form.type === 'totp' ? period : 30,
      counter: form.type === 'hotp' ? counter : 0,
      color: colourHex(form.colour),
    };
    void flow.run((onDuplicate) => api.accounts.addManual({ ...input, onDuplicate }));
  };

  if (flow.duplicate) return <DuplicatePrompt existing={flow.duplicate} onChoose={(c) => void flow.resolveDuplicate(c)} />;
  return (
    <form onSubmit={submit} noValidate>
      <div className="grid-2">
        <TextField label="Issuer" value={form.issuer} onChange={set('issuer')} error={fieldError('issuer')} autoFocus />
        <TextField label="Account name" value={form.label} onChange={set('label')} error={fieldError('label')} />
      </div>
      <TextField
        label="Secret key"
        value={form.secret}
        onChange={set('secret')}
        error={fieldError('secret')}
        hint="Base32, as shown by the site. Spaces are ignored."
      />
      <div className="grid-3">
        <SelectField
          label="Type"
          value={form.type}
          onChange={set('type')}
          error={fieldError('type')}
          options={[
            { value: 'totp', label: 'Time-based (TOTP)' },
            { value: 'hotp', label: 'Counter-based (HOTP)' },
          ]}
        />
        <SelectField
          label="Algorithm"
          value={form.algorithm}
          onChange={set('algorithm')}
          error={fieldError('algorithm')}
          options={[
            { value: 'SHA1', label: 'SHA-1' },
            { value: 'SHA256', label: 'SHA-256' },
            { value: 'SHA512', label: 'SHA-512' },
          ]}
        />
        <SelectField
          label="Digits"
          value={form.digits}
          onChange={set('digits')}
          error={fieldError('digits')}
          options={[
            { value: '6', label: '6' },
            { value: '7', label: '7' },
            { value: '8', label: '8' },
          ]}
        />
      </div>
      <div className="grid-2">
        {form.type === 'totp' ? (
          <TextField
            label="Period (seconds)"
            type="number"
            inputMode="numeric"
            value={form.period}
            onChange={set('period')}
            error={fieldError('period')}
          />
        ) : (
          <TextField
            label="Counter"
            type="number"
            inputMode="numeric"
            value={form.counter}
            onChange={set('counter')}
            error={fieldError('counter')}
          />
        )}
        <SelectField
          label="Colour"
          value={form.colour}
          onChange={set('colour')}
          error={fieldError('colour')}
          options={colourOptions(form.colour)}
        />
      </div>
      <FormMessage error={flow.error && flow.error.field === null ? flow.error.message : null} />
      <div className="button-row">
        <button type="submit" className="primary" disabled={flow.busy}>
          {flow.busy ? 'Adding…' : 'Add account'}
        </button>
      </div>
    </form>
  );
}

/** The add-account dialog. */
export function AddAccountDialog(): ReactElement {
  const actions = useActions();
  const [tab, setTab] = useState<Tab>('uri');
  const baseId = useId();
  const tabRefs = useRef<Record<Tab, HTMLButtonElement | null>>({ uri: null, image: null, manual: null, push: null });
  const panelRef = useRef<HTMLDivElement>(null);
  const switched = useRef(false);

  useEffect(() => {
    // After a tab switch by mouse, take the user to the tab's first field; arrow-key switches keep focus on the tab.
    if (switched.current) {
      switched.current = false;
      focusAutofocus(panelRef.current);
    }
  }, [tab]);

  const onTabKeyDown = (event: KeyboardEvent<HTMLButtonElement>): void => {
    const index = TABS.findIndex((t) => t.id === tab);
    let next: number | null = null;
    if (event.key === 'ArrowRight') next = (index + 1) % TABS.length;
    else if (event.key === 'ArrowLeft') next = (index - 1 + TABS.length) % TABS.length;
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = TABS.length - 1;
    if (next === null) return;
    event.preventDefault();
    const target = TABS[next]!.id;
    setTab(target);
    tabRefs.current[target]?.focus();
  };

  return (
    <ModalDialog title="Add account" onClose={actions.closeDialog} wide>
      <div role="tablist" aria-label="How to add the account" className="tabs">
        {TABS.map((t) => (
          <button
            key={t.id}
            ref={(element) => {
              tabRefs.current[t.id] = element;
            }}
            type="button"
            role="tab"
            id={`${baseId}-tab-${t.id}`}
            aria-selected={tab === t.id}
            // Only the shown panel exists, so only the selected tab may point at it.
            aria-controls={tab === t.id ? `${baseId}-panel-${t.id}` : undefined}
            tabIndex={tab === t.id ? 0 : -1}
            onClick={() => {
              if (tab !== t.id) {
                switched.current = true;
                setTab(t.id);
              }
            }}
            onKeyDown={onTabKeyDown}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div
        ref={panelRef}
        role="tabpanel"
        id={`${baseId}-panel-${tab}`}
        aria-labelledby={`${baseId}-tab-${tab}`}
        className="tab-panel"
      >
        {tab === 'uri' ? <UriTab /> : tab === 'image' ? <ImageTab /> : tab === 'manual' ? <ManualTab /> : <PushEnrollTab />}
      </div>
      <div className="dialog-footer-note">
        <p>Moving from another authenticator, or have several QR codes?</p>
        <button type="button" onClick={() => actions.startImport()}>
          Import…
        </button>
      </div>
    </ModalDialog>
  );
}
