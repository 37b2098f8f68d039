/**
 * Labelled form controls with an inline error message wired to aria-invalid / aria-describedby.
 */
import { useId, type ReactElement, type ReactNode } from 'react';

interface FieldShellProps {
  label: string;
  error: string | null | undefined;
  hint?: string;
  children: (ids: { id: string; describedBy: string | undefined; invalid: boolean }) => ReactNode;
}

/** Lays out a label, a control (from `children`) and its hint and error. */
export function FieldShell({ label, error, hint, children }: FieldShellProps): ReactElement {
  const id = useId();
  const notes = fieldNotes(id, hint, error);
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children({ id, describedBy: notes.describedBy, invalid: Boolean(error) })}
      {notes.element}
    </div>
  );
}

/** A control's hint and error paragraphs, and the aria-describedby that points the control at them. */
function fieldNotes(id: string, hint: string | undefined, error: string | null | undefined): { describedBy: string | undefined; element: ReactNode } {
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  return {
    describedBy: [error ? errorId : null, hint ? hintId : null].filter(Boolean).join(' ') || undefined,
    element: (
      <>
        {hint ? (
          <p id={hintId} className="field-hint">
            {hint}
          </p>
        ) : null}
        {error ? (
          <p id={errorId} className="field-error" role="alert">
            {error}
          </p>
        ) : null}
      </>
    ),
  };
}

/** A checkbox with its label beside it, and a hint and an error below, like the other fields. */
export function CheckboxField({
  label,
  checked,
  onChange,
  hint,
  error,
  disabled = false,
}: {
  label: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  hint?: string;
  error?: string | null;
  disabled?: boolean;
}): ReactElement {
  const id = useId();
  const notes = fieldNotes(id, hint, error);
  return (
    <>
      <div className="checkbox-row">
        <input
          id={id}
          type="checkbox"
          checked={checked}
          disabled={disabled}
          aria-invalid={error ? true : undefined}
          aria-describedby={notes.describedBy}
          onChange={(event) => onChange(event.target.checked)}
        />
        <label htmlFor={id}>{label}</label>
      </div>
      {notes.element}
    </>
  );
}

/** A labelled text-like input. */
export function TextField({
  label,
  value,
  onChange,
  error,
  hint,
  type = 'text',
  autoComplete = 'off',
  autoFocus = false,
  inputMode,
  name,
  disabled = false,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string | null;
  hint?: string;
  type?: 'text' | 'password' | 'number' | 'search';
  autoComplete?: string;
  autoFocus?: boolean;
  inputMode?: 'numeric' | 'text';
  name?: string;
  disabled?: boolean;
}): ReactElement {
  return (
    <FieldShell label={label} error={error} hint={hint}>
      {({ id, describedBy, invalid }) => (
        <input
          id={id}
          name={name}
          type={type}
          value={value}
          autoComplete={autoComplete}
          spellCheck={false}
          inputMode={inputMode}
          disabled={disabled}
          aria-invalid={invalid || undefined}
          aria-describedby={describedBy}
          data-autofocus={autoFocus ? '' : undefined}
          onChange={(event) => onChange(event.target.value)}
        />
      )}
    </FieldShell>
  );
}

/**
 * A new passphrase and its confirmation, side by side: the pair every "choose a passphrase" form
 * asks for. Labels name what the passphrase protects ("Backup passphrase", "Confirm backup passphrase").
 */
export function NewPassphraseFields({
  label,
  confirmLabel,
  passphrase,
  confirm,
  onPassphraseChange,
  onConfirmChange,
  passphraseError,
  confirmError,
  autoFocus,
}: {
  label: string;
  confirmLabel: string;
  passphrase: string;
  confirm: string;
  onPassphraseChange: (value: string) => void;
  onConfirmChange: (value: string) => void;
  passphraseError: string | null;
  confirmError: string | null;
  autoFocus?: boolean;
}): ReactElement {
  return (
    <div className="grid-2">
      <TextField
        label={label}
        type="password"
        autoComplete="new-password"
        value={passphrase}
        onChange={onPassphraseChange}
        error={passphraseError}
        autoFocus={autoFocus ?? false}
      />
      <TextField
        label={confirmLabel}
        type="password"
        autoComplete="new-password"
        value={confirm}
        onChange={onConfirmChange}
        error={confirmError}
      />
    </div>
  );
}

/** A labelled select over string options. */
export function SelectField<T extends string>({
  label,
  value,
  options,
  onChange,
  error,
}: {
  label: string;
  value: T;
  options: readonly { value: T; label: string }[];
  onChange: (value: T) => void;
  error?: string | null;
}): ReactElement {
  return (
    <FieldShell label={label} error={error}>
      {({ id, describedBy, invalid }) => (
        <select
          id={id}
          value={value}
          aria-invalid={invalid || undefined}
          aria-describedby={describedBy}
          onChange={(event) => onChange(event.target.value as T)}
        >
          {options.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      )}
    </FieldShell>
  );
}

/** A form-level error message. */
export function FormMessage({ error }: { error: string | null | undefined }): ReactElement | null {
  if (!error) return null;
  return (
    <p className="form-error" role="alert">
      {error}
    </p>
  );
}
