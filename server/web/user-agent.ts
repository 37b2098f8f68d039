/**
 * What a sign-in request tells the user about where it comes from: browser and OS from the
 * User-Agent header, and an approximate location from the IP address (no geolocation database:
 * only loopback and private networks are named).
 */

/** Browser name and major version from a User-Agent, e.g. "Chrome 156"; "Unknown browser" otherwise. */
export function parseBrowser(userAgent: string | undefined): string {
  const ua = userAgent ?? '';
  // Order matters: Edge and Opera also say "Chrome", Chrome also says "Safari".
  const rules: [RegExp, string][] = [
    [/Edg(?:e|A|iOS)?\/(\d+)/, 'Edge'],
    [/OPR\/(\d+)/, 'Opera'],
    [/Firefox\/(\d+)/, 'Firefox'],
    [/FxiOS\/(\d+)/, 'Firefox'],
    [/HeadlessChrome\/(\d+)/, 'Chrome'],
    [/Chromium\/(\d+)/, 'Chromium'],
    [/CriOS\/(\d+)/, 'Chrome'],
    [/Chrome\/(\d+)/, 'Chrome'],
    [/Version\/(\d+)[^ ]* (?:Mobile\/\S+ )?Safari\//, 'Safari'],
    [/curl\/(\d+)/, 'curl'],
  ];
  for (const [pattern, name] of rules) {
    const match = pattern.exec(ua);
    if (match) return `${name} ${match[1]}`;
  }
  return 'Unknown browser';
}

/** Operating system from a User-Agent, e.g. "Linux"; "Unknown OS" otherwise. */
export function parseOs(userAgent: string | undefined): string {
  const ua = userAgent ?? '';
  const rules: [RegExp, string][] = [
    [/Windows/, 'Windows'],
    [/iPhone|iPad|iPod/, 'iOS'],
    [/Mac OS X|Macintosh/, 'macOS'],
    [/Android/, 'Android'],
    [/CrOS/, 'ChromeOS'],
    [/Linux|X11/, 'Linux'],
  ];
  for (const [pattern, name] of rules) if (pattern.test(ua)) return name;
  return 'Unknown OS';
}

/** An approximate location for an IP address, without a geolocation database. */
export function describeLocation(ip: string): string {
  const v4 = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  if (v4 === '::1' || /^127\./.test(v4)) return 'Loopback (this computer)';
  if (/^10\./.test(v4) || /^192\.168\./.test(v4) || /^172\.(1[6-9]|2\d|3[01])\./.test(v4) || /^f[cd][0-9a-f]{2}:/i.test(v4)) {
    return 'Local network';
  }
  return 'Unknown location';
}

/** The application name shown in Twofold for sign-ins on this identity provider. */
export const APPLICATION_NAME = 'Twofold IdP';

/** Where a sign-in comes from, as a push request carries it. */
export function describeSignIn(userAgent: string | undefined, ip: string): { application: string; browser: string; os: string; ip: string; location: string } {
  return { application: APPLICATION_NAME, browser: parseBrowser(userAgent), os: parseOs(userAgent), ip: ip.slice(0, 64), location: describeLocation(ip) };
}
