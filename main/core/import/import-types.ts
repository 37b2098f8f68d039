/**
 * What every importer in this folder reads and returns. An importer turns one file (or one list of
 * links) from another authenticator into accounts, with an error per entry it can't read. Problems
 * with the whole file (not this format, broken, truncated, wrong passphrase, unknown version, too
 * many entries) throw a TwofoldError instead, so nothing is ever imported silently in part.
 */
import type { ImportFormat } from '../../../common/api-contract';
import type { OtpParams } from '../../../common/otpauth-uri';

/** Most entries one import may hold. 10,000 is a supported size; far beyond it is refused as hostile. */
export const MAX_IMPORT_ENTRIES = 50_000;

/** The raw input of an import. */
export interface ImportInput {
  /** The file's bytes (for text sources, their UTF-8 encoding). */
  bytes: Uint8Array;
  /** The bytes decoded as UTF-8, or null when they are not valid UTF-8 (a binary file). */
  text: string | null;
  /** The file's name as the user picked it, or null for pasted text and scans. */
  fileName: string | null;
  /** The passphrase the user typed for an encrypted file, or null. */
  passphrase: string | null;
}

/** One account read from an import: the OTP parameters (validated) and what the app kept beside them. */
export interface ImportedAccount {
  params: OtpParams;
  /** Index of the entry in the source (its position in the file), used by errors and `exclude`. */
  index: number;
  color?: string | null;
  pinned?: boolean;
}

/** An entry that can't be imported. `name` is the issuer and account name when known; never a secret. */
export interface ImportEntryError {
  index: number;
  name: string;
  message: string;
}

/** A push sign-in enrollment link found in the import (scans and link lists only). */
export interface FoundEnrollment {
  index: number;
  uri: string;
}

/** What an importer returns. */
export interface ParsedImport {
  format: ImportFormat;
  accounts: ImportedAccount[];
  errors: ImportEntryError[];
  /** Notes about the import as a whole, for example a missing part of a multi-QR batch. */
  warnings: string[];
  enrollments: FoundEnrollment[];
}

/** One importer: one file format of one app. */
export interface Importer {
  format: ImportFormat;
  /** The app's name as users know it, for example "Aegis". */
  name: string;
  /** A cheap check of whether the input looks like this format (structure only, no decryption). */
  detect(input: ImportInput): boolean;
  /** Reads the input. Throws TwofoldError for whole-file problems; per-entry problems go in `errors`. */
  parse(input: ImportInput): Promise<ParsedImport>;
}
