// The examples in docs/deployment.md are what IT copies: each must read, without a single
// problem, as the same policy; and every key must be documented.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { POLICY_KEY_NAMES, POLICY_LIST_KEYS, resolvePolicy, UPDATE_CHANNELS, type ManagedPolicy } from './policy-schema';
import { parseRegQueryOutput } from './windows-policy';

const DOC = readFileSync(new URL('../../../docs/deployment.md', import.meta.url), 'utf8');
const ADMX = readFileSync(new URL('../../../docs/policy-templates/twofold.admx', import.meta.url), 'utf8');
const ADML = readFileSync(new URL('../../../docs/policy-templates/en-US/twofold.adml', import.meta.url), 'utf8');

function codeBlock(language: string): string {
  const match = new RegExp('```' + language + '\\n([\\s\\S]*?)```').exec(DOC);
  if (!match) throw new Error(`no \`\`\`${language} block in the doc`);
  return match[1]!;
}

/** Turns a .reg file into what `reg query /s` prints for it, so the real parser reads it. */
function regFileAsQueryOutput(reg: string): string {
  const out: string[] = [];
  for (const line of reg.split('\n')) {
    const section = /^\[(.*)\]$/.exec(line);
    const dword = /^"(.*)"=dword:([0-9a-f]{8})$/.exec(line);
    const text = /^"(.*)"="(.*)"$/.exec(line);
    if (section) out.push('', section[1]!);
    else if (dword) out.push(`    ${dword[1]}    REG_DWORD    0x${parseInt(dword[2]!, 16).toString(16)}`);
    else if (text) out.push(`    ${text[1]}    REG_SZ    ${text[2]}`);
  }
  return out.join('\r\n') + '\r\n';
}

/** Reads the keys of the inner payload dict of the .mobileconfig example (the plist types it uses). */
function payloadValues(xml: string): Record<string, unknown> {
  const inner = /<key>PayloadContent<\/key>\s*<array>\s*<dict>([\s\S]*?)<\/dict>\s*<\/array>/.exec(xml)![1]!;
  const values: Record<string, unknown> = {};
  const item = /<key>([^<]+)<\/key>\s*(<string>([^<]*)<\/string>|<integer>(\d+)<\/integer>|<(true|false)\/>|<array>([\s\S]*?)<\/array>)/g;
  for (const m of inner.matchAll(item)) {
    values[m[1]!] =
      m[3] ?? (m[4] !== undefined ? Number(m[4]) : m[5] !== undefined ? m[5] === 'true' : [...m[6]!.matchAll(/<string>([^<]*)<\/string>/g)].map((s) => s[1]));
  }
  return Object.fromEntries(Object.entries(values).filter(([key]) => !key.startsWith('Payload')));
}

const withoutSources = ({ sources: _sources, ...rest }: ManagedPolicy) => rest;

describe('docs/deployment.md', () => {
  it('documents every policy key in the key table', () => {
    for (const key of POLICY_KEY_NAMES) expect(DOC, key).toMatch(new RegExp(`^\\| \`${key}\``, 'm'));
  });

  it('gives a policy.json, a .reg file and a .mobileconfig that each read cleanly as the same policy', () => {
    const json = resolvePolicy([{ location: 'policy.json', values: JSON.parse(codeBlock('json')) as Record<string, unknown> }]);
    expect(json.problems).toEqual([]);
    expect(json.policy.requirePassphrase).toBe(true);
    expect(json.policy.allowedPushServers?.entries).toEqual(['https://idp.example.com', 'https://*.push.example.com']);

    const registry = parseRegQueryOutput(regFileAsQueryOutput(codeBlock('reg')));
    expect(registry.problems).toEqual([]);
    const reg = resolvePolicy([{ location: 'registry', values: registry.values }]);
    expect(reg.problems).toEqual([]);
    expect(withoutSources(reg.policy)).toEqual(withoutSources(json.policy));

    const plist = resolvePolicy([{ location: 'plist', values: payloadValues(codeBlock('xml')) }]);
    expect(plist.problems).toEqual([]);
    expect(withoutSources(plist.policy)).toEqual(withoutSources(json.policy));
  });
});

/** Every tag opens and closes in order (enough to catch a broken template; the real check is gpedit). */
function expectBalancedXml(xml: string): void {
  const stack: string[] = [];
  const body = xml.replace(/<\?xml[^>]*\?>/, '').replace(/<!--[\s\S]*?-->/g, '');
  for (const [, close, name, selfClose] of body.matchAll(/<(\/?)([\w:]+)(?:\s[^>]*?)?(\/?)>/g)) {
    if (selfClose) continue;
    if (close) expect(stack.pop(), `</${name}>`).toBe(name);
    else stack.push(name!);
  }
  expect(stack).toEqual([]);
}

const attrValues = (xml: string, attr: string): string[] => [...xml.matchAll(new RegExp(`\\s${attr}="([^"]*)"`, 'g'))].map((m) => m[1]!);

describe('docs/policy-templates (ADMX for Group Policy and Intune)', () => {
  it('are well-formed', () => {
    expectBalancedXml(ADMX);
    expectBalancedXml(ADML);
  });

  it('write every configurable key, under the documented registry layout', () => {
    const policyKeys = [...ADMX.matchAll(/<policy [^>]*key="([^"]*)"/g)].map((m) => m[1]);
    expect(new Set(policyKeys)).toEqual(new Set(['Software\\Policies\\Twofold']));
    const scalars = attrValues(ADMX, 'valueName');
    const lists = [...ADMX.matchAll(/<list [^>]*key="Software\\Policies\\Twofold\\(\w+)" valuePrefix=""/g)].map((m) => m[1]);
    expect(lists).toEqual([...POLICY_LIST_KEYS]);
    const written = new Set([...scalars, ...lists]);
    expect([...written].every((name) => (POLICY_KEY_NAMES as readonly string[]).includes(name!))).toBe(true);
    expect(POLICY_KEY_NAMES.filter((name) => !written.has(name))).toEqual(['PolicyVersion', 'Telemetry']);
    expect([...ADMX.matchAll(/<string>(\w+)<\/string>/g)].map((m) => m[1])).toEqual([...UPDATE_CHANNELS]);
  });

  it('define every string and presentation the ADMX refers to', () => {
    const strings = new Set(attrValues(ADML, 'id'));
    for (const [, kind, id] of ADMX.matchAll(/\$\((string|presentation)\.(\w+)\)/g)) expect(strings, `${kind}.${id}`).toContain(id);
    const elementIds = new Set([...ADMX.matchAll(/<(?:list|text|decimal|enum) id="(\w+)"/g)].map((m) => m[1]));
    for (const refId of attrValues(ADML, 'refId')) expect(elementIds, refId).toContain(refId);
  });
});
