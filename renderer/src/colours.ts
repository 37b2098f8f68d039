/**
 * The colour choices offered for an account (shown as a stripe on its row).
 */

/** Named colour presets; `null` means no colour. Chosen to stay visible on light and dark backgrounds. */
export const COLOUR_CHOICES: readonly { value: string; label: string; hex: string | null }[] = [
  { value: 'none', label: 'No colour', hex: null },
  { value: 'blue', label: 'Blue', hex: '#2f6fdf' },
  { value: 'green', label: 'Green', hex: '#2e9d5b' },
  { value: 'orange', label: 'Orange', hex: '#e07b1a' },
  { value: 'red', label: 'Red', hex: '#d23c3c' },
  { value: 'purple', label: 'Purple', hex: '#8a4fd1' },
  { value: 'teal', label: 'Teal', hex: '#1c9aa6' },
  { value: 'grey', label: 'Grey', hex: '#7b8494' },
];

/** The select value for a stored colour; colours set elsewhere (e.g. the CLI) show as "Custom". */
export function colourChoice(hex: string | null): string {
  if (hex === null) return 'none';
  const found = COLOUR_CHOICES.find((choice) => choice.hex?.toLowerCase() === hex.toLowerCase());
  return found ? found.value : `custom:${hex}`;
}

/** The stored colour for a select value. */
export function colourHex(choice: string): string | null {
  if (choice.startsWith('custom:')) return choice.slice('custom:'.length);
  return COLOUR_CHOICES.find((c) => c.value === choice)?.hex ?? null;
}

/** The options for a colour select, including the account's custom colour when it has one. */
export function colourOptions(current: string): { value: string; label: string }[] {
  const options = COLOUR_CHOICES.map(({ value, label }) => ({ value, label }));
  if (current.startsWith('custom:')) options.push({ value: current, label: `Custom (${current.slice(7)})` });
  return options;
}
