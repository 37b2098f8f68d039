/**
 * One row of the code list: the account's names, its code, the time ring, and its buttons.
 * Memoised and keyed by account id. The row itself reads no codes: its code text and its ring are
 * small components that each subscribe to just the values they show, so a tick that only moves
 * the seconds re-renders nothing (the ring redraws itself, see code-ring.tsx).
 */
import { memo, type KeyboardEvent, type ReactElement } from 'react';
import type { AccountView } from '../../../common/api-contract';
import { useActions, useApp } from '../app-context';
import { formatCode, placeholderCode } from '../code-format';
import { CodeRing } from './code-ring';
import { EditIcon, PinIcon } from './icons';

/** Fixed row height in CSS pixels; the virtual list relies on it. */
export const ROW_HEIGHT = 72;

/** Props of a row. `onRowKeyDown` handles list navigation (arrows, Home/End, Alt+arrows). */
export interface AccountRowProps {
  account: AccountView;
  index: number;
  count: number;
  top: number;
  onRowKeyDown: (event: KeyboardEvent<HTMLButtonElement>, index: number, id: string) => void;
}

/** A row of the code list. Click or Enter on its main button copies the code. */
export const AccountRow = memo(function AccountRow({
  account,
  index,
  count,
  top,
  onRowKeyDown,
}: AccountRowProps): ReactElement {
  const actions = useActions();
  const title = account.issuer || account.label;
  const subtitle = account.issuer ? account.label : '';
  const name = subtitle ? `${title} (${subtitle})` : title;

  return (
    <div
      className="row"
      role="listitem"
      aria-label={name}
      aria-setsize={count}
      aria-posinset={index + 1}
      data-testid="account-row"
      data-index={index}
      data-account-id={account.id}
      style={{ transform: `translateY(${top}px)`, height: ROW_HEIGHT }}
    >
      {/* The button is named by its content (names and code), so what it announces is what it shows. */}
      <button
        type="button"
        className="row-main"
        data-row-main=""
        onClick={() => void actions.copyCode(account.id)}
        onKeyDown={(event) => onRowKeyDown(event, index, account.id)}
      >
        <span className="visually-hidden">Copy code: </span>
        <span
          className="swatch"
          aria-hidden="true"
          style={account.color ? { backgroundColor: account.color } : undefined}
        />
        <span className="names">
          <span className="issuer">
            {title || 'Unnamed account'}
            {account.pinned ? (
              <span className="pin">
                <PinIcon />
                <span className="visually-hidden"> (pinned)</span>
              </span>
            ) : null}
          </span>
          {subtitle ? <span className="label">{subtitle}</span> : null}
        </span>
        <span className="code-block">
          <RowCode id={account.id} digits={account.digits} />
        </span>
      </button>
      {/* Outside the button: the seconds it shows would otherwise be read out as part of its name. */}
      {account.type === 'totp' ? <CodeRing id={account.id} /> : null}
      {account.type === 'hotp' ? (
        <button
          type="button"
          className="small"
          aria-label={`Next code for ${name}`}
          onClick={() => void actions.nextHotp(account.id)}
        >
          Next code
        </button>
      ) : null}
      <button
        type="button"
        className="icon-button"
        aria-label={`Edit ${name}`}
        onClick={() => actions.openDialog({ kind: 'edit', id: account.id })}
      >
        <EditIcon />
      </button>
    </div>
  );
});

/** The code (and, near the end of a period, the next one); re-renders only when they change. */
const RowCode = memo(function RowCode({ id, digits }: { id: string; digits: number }): ReactElement {
  const code = useApp((state) => state.codes[id]?.code);
  const nextCode = useApp((state) => state.codes[id]?.nextCode);
  return (
    <>
      <span className="code" data-testid={`code-${id}`}>
        {code !== undefined ? formatCode(code) : placeholderCode(digits)}
      </span>
      {nextCode ? (
        <span className="next-code" data-testid={`next-code-${id}`}>
          next: {formatCode(nextCode)}
        </span>
      ) : null}
    </>
  );
});
