import { describe, expect, it } from 'vitest';
import { TwofoldError } from '../../common/errors';
import { toFormError, UNEXPECTED_MESSAGE } from './form-error';

describe('toFormError', () => {
  it('puts a field error next to the field the form shows', () => {
    const error = new TwofoldError('ACCOUNT_INVALID', 'The secret is not base32.', 'secret');
    expect(toFormError(error, { secret: 'secret' })).toEqual({ field: 'secret', message: 'The secret is not base32.' });
  });
  it('falls back to a form-level message for a field the form does not show', () => {
    const error = new TwofoldError('INPUT_INVALID', 'ids: too many', 'ids');
    expect(toFormError(error, { secret: 'secret' })).toEqual({ field: null, message: 'ids: too many' });
  });
  it('sends every field error of a one-input form to that input', () => {
    const error = new TwofoldError('URI_INVALID', 'The URI has no secret.', 'secret');
    expect(toFormError(error, {}, 'uri')).toEqual({ field: 'uri', message: 'The URI has no secret.' });
  });
  it('never shows the text of an unexpected error', () => {
    expect(toFormError(new Error('seed JBSWY3DPEHPK3PXP leaked'))).toEqual({ field: null, message: UNEXPECTED_MESSAGE });
  });
});
