/**
 * Reads a passphrase from the terminal without echoing it.
 */
import { createInterface } from 'node:readline';
import { TwofoldError } from '../../common/errors';

/** Asks for a passphrase on stderr and reads it from stdin, hiding the typed characters on a TTY. */
export function readPassphrase(prompt: string): Promise<string> {
  if (!process.stdin.isTTY) {
    return Promise.reject(new TwofoldError('INPUT_INVALID', 'There is no terminal to ask for the passphrase: set TWOFOLD_PASSPHRASE.'));
  }
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    // Replace readline's echo with nothing, so the passphrase never appears on screen.
    const output = rl as unknown as { _writeToOutput: (s: string) => void };
    process.stderr.write(prompt);
    output._writeToOutput = () => {};
    rl.question('', (answer) => {
      rl.close();
      process.stderr.write('\n');
      resolve(answer);
    });
  });
}
