/**
 * Small inline SVG icons. Decorative: always aria-hidden; the button around them carries the name.
 */
import type { ReactElement } from 'react';

function Icon({ d, size = 18, strokeWidth = 2 }: { d: string; size?: number; strokeWidth?: number }): ReactElement {
  return (
    <svg
      className="icon"
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={strokeWidth}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      <path d={d} />
    </svg>
  );
}

/** A pencil. */
export function EditIcon(): ReactElement {
  return <Icon d="M4 20h4L19 9l-4-4L4 16v4zM14 6l4 4" />;
}

/** A gear-like cog (settings). */
export function SettingsIcon(): ReactElement {
  return (
    <Icon d="M12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM19.4 15a1.7 1.7 0 0 0 .3 1.8l.1.1a2 2 0 1 1-2.8 2.8l-.1-.1a1.7 1.7 0 0 0-1.8-.3 1.7 1.7 0 0 0-1 1.5V21a2 2 0 1 1-4 0v-.1a1.7 1.7 0 0 0-1.1-1.5 1.7 1.7 0 0 0-1.8.3l-.1.1a2 2 0 1 1-2.8-2.8l.1-.1a1.7 1.7 0 0 0 .3-1.8 1.7 1.7 0 0 0-1.5-1H3a2 2 0 1 1 0-4h.1a1.7 1.7 0 0 0 1.5-1.1 1.7 1.7 0 0 0-.3-1.8l-.1-.1a2 2 0 1 1 2.8-2.8l.1.1a1.7 1.7 0 0 0 1.8.3H9a1.7 1.7 0 0 0 1-1.5V3a2 2 0 1 1 4 0v.1a1.7 1.7 0 0 0 1 1.5 1.7 1.7 0 0 0 1.8-.3l.1-.1a2 2 0 1 1 2.8 2.8l-.1.1a1.7 1.7 0 0 0-.3 1.8V9a1.7 1.7 0 0 0 1.5 1H21a2 2 0 1 1 0 4h-.1a1.7 1.7 0 0 0-1.5 1z" />
  );
}

/** A padlock. */
export function LockIcon(): ReactElement {
  return <Icon d="M6 11h12v10H6zM8 11V7a4 4 0 0 1 8 0v4" />;
}

/** A plus sign. */
export function PlusIcon(): ReactElement {
  return <Icon d="M12 5v14M5 12h14" />;
}

/** A cross. */
export function CloseIcon(): ReactElement {
  return <Icon d="M6 6l12 12M18 6L6 18" />;
}

/** A pin. */
export function PinIcon(): ReactElement {
  return (
    <Icon
      size={14}
      d="M12 17v5M5 17h14v-1.8a2 2 0 0 0-1.1-1.8l-1.8-.9a2 2 0 0 1-1.1-1.8V6h1a2 2 0 0 0 0-4H8a2 2 0 0 0 0 4h1v4.8a2 2 0 0 1-1.1 1.8l-1.8.9A2 2 0 0 0 5 15.2z"
    />
  );
}

/** A magnifier. */
export function SearchIcon(): ReactElement {
  return <Icon size={16} d="M11 18a7 7 0 1 0 0-14 7 7 0 0 0 0 14zM20 20l-4-4" />;
}

/** A clock face with a back arrow: the sign-in history. */
export function HistoryIcon(): ReactElement {
  return <Icon d="M3 12a9 9 0 1 0 3-6.7L3 8M3 3v5h5M12 7v5l3 2" />;
}

/** Three dots in a column: more actions. */
export function MoreIcon(): ReactElement {
  return <Icon strokeWidth={3} d="M12 5h.01M12 12h.01M12 19h.01" />;
}
