/**
 * Runs one API call from a form: busy while it runs, its error mapped to the form's fields. A
 * VAULT_LOCKED answer means the vault locked meanwhile (idle, sleep): the app shows the unlock screen.
 */
import { useState } from 'react';
import { useActions } from './app-context';
import { errorCode, toFormError, type FormError } from './form-error';

/** A call's value, or that it failed (its error is in `error`). */
export type FormCallResult<T> = { ok: true; value: T } | { ok: false };

export interface FormCall {
  busy: boolean;
  error: FormError | null;
  setError: (error: FormError | null) => void;
  run<T>(call: () => Promise<T>, fieldMap?: Record<string, string>): Promise<FormCallResult<T>>;
}

export function useFormCall(): FormCall {
  const actions = useActions();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<FormError | null>(null);
  return {
    busy,
    error,
    setError,
    async run(call, fieldMap = {}) {
      setBusy(true);
      setError(null);
      try {
        return { ok: true, value: await call() };
      } catch (caught) {
        if (errorCode(caught) === 'VAULT_LOCKED') void actions.loadStatus();
        setError(toFormError(caught, fieldMap));
        return { ok: false };
      } finally {
        setBusy(false);
      }
    },
  };
}
