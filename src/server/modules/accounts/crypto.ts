import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  hkdfSync,
  randomBytes,
  scrypt,
  timingSafeEqual,
} from 'node:crypto';
import { readEnv } from '../../env.ts';

/**
 * The application's cryptography, with the algorithms 商用密码 asks for where a choice exists:
 * SM4-CBC (Node's OpenSSL has no SM4-GCM) with an HMAC-SM3 tag over IV and ciphertext
 * (encrypt-then-MAC) for fields at rest, HMAC-SM3 for session tokens and the audit chain.
 * Passwords use scrypt (memory-hard; SM3 is a fast hash and unfit for passwords).
 */

/** Used only outside production when TIAODU_SECRET_KEY is unset; it is public, so it protects nothing. */
export const DEVELOPMENT_SECRET_KEY = 'tiaodu-development-key-public-never-use-in-production';

type Keys = {
  /** SM4 key for fields at rest */
  fieldEnc: Buffer;
  /** HMAC-SM3 key for the tag of sealed fields */
  fieldMac: Buffer;
  /** HMAC-SM3 key for session ids and CSRF tokens */
  session: Buffer;
  /** HMAC-SM3 key for the audit chain */
  audit: Buffer;
  /** true when the public development key is in use */
  development: boolean;
};

let keys: Keys | null = null;
let configuredWith: string | undefined | null = null;

function derive(master: string, label: string, length: number): Buffer {
  return Buffer.from(hkdfSync('sm3', Buffer.from(master, 'utf8'), 'tiaodu', label, length));
}

/** Sets the master key for this process. Called by buildApp and the CLI; tests may call it. */
export function configureSecretKey(
  master: string | undefined,
  opts: { production?: boolean; warn?: (message: string) => void } = {},
): void {
  if (opts.production && (!master || master === DEVELOPMENT_SECRET_KEY)) {
    throw new Error(
      'TIAODU_SECRET_KEY 未设置：生产模式拒绝启动 / TIAODU_SECRET_KEY is not set: refusing to start in production',
    );
  }
  if (keys && configuredWith === master) return;
  const development = !master;
  if (development && opts.warn) {
    opts.warn(
      '警告：未设置 TIAODU_SECRET_KEY，正在使用公开的开发密钥，加密字段与审计链不受保护；正式使用前请设置 / warning: TIAODU_SECRET_KEY is not set, using the public development key: encrypted fields and the audit chain are not protected',
    );
  }
  const m = master ?? DEVELOPMENT_SECRET_KEY;
  keys = {
    fieldEnc: derive(m, 'field-sm4', 16),
    fieldMac: derive(m, 'field-hmac-sm3', 32),
    session: derive(m, 'session-hmac-sm3', 32),
    audit: derive(m, 'audit-hmac-sm3', 32),
    development,
  };
  configuredWith = master;
}

/** The process's keys, configured from the environment on first use when nobody configured them. */
function currentKeys(): Keys {
  if (!keys) {
    const env = readEnv();
    configureSecretKey(env.TIAODU_SECRET_KEY, {
      production: env.NODE_ENV === 'production',
      warn: env.NODE_ENV === 'test' ? undefined : (m) => process.stderr.write(`${m}\n`),
    });
  }
  return keys!;
}

export function usingDevelopmentKey(): boolean {
  return currentKeys().development;
}

function hmacSm3(key: Buffer, parts: (string | Buffer)[]): Buffer {
  const h = createHmac('sm3', key);
  for (const p of parts) {
    const b = typeof p === 'string' ? Buffer.from(p, 'utf8') : p;
    // Length-prefix every part so ('ab','c') and ('a','bc') never collide.
    const len = Buffer.alloc(4);
    len.writeUInt32BE(b.length);
    h.update(len);
    h.update(b);
  }
  return h.digest();
}

/** HMAC-SM3 of one text with the audit key, hex: the link of the audit chain. */
export function auditMac(text: string): string {
  return hmacSm3(currentKeys().audit, [text]).toString('hex');
}

/** The database id of a session token: the token itself is never stored. */
export function sessionIdOf(token: string): string {
  return hmacSm3(currentKeys().session, ['session', token]).toString('hex');
}

/** The CSRF token bound to a session token (derived, so nothing more is stored). */
export function csrfTokenOf(token: string): string {
  return hmacSm3(currentKeys().session, ['csrf', token]).toString('base64url');
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/**
 * Encrypts a field with SM4-CBC and tags it with HMAC-SM3 over the context (table, column and
 * row), IV and ciphertext, so a value copied to another row or column fails to open.
 */
export function sealField(plain: string, context: string): string {
  const k = currentKeys();
  const iv = randomBytes(16);
  const cipher = createCipheriv('sm4-cbc', k.fieldEnc, iv);
  const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  const tag = hmacSm3(k.fieldMac, ['v1', context, iv, ct]);
  return ['v1', iv.toString('base64url'), ct.toString('base64url'), tag.toString('base64url')].join(
    '.',
  );
}

export class SealError extends Error {}

export function openField(sealed: string, context: string): string {
  const k = currentKeys();
  const [version, ivText, ctText, tagText] = sealed.split('.');
  if (version !== 'v1' || !ivText || !ctText || !tagText)
    throw new SealError('sealed value malformed');
  const iv = Buffer.from(ivText, 'base64url');
  const ct = Buffer.from(ctText, 'base64url');
  const expected = hmacSm3(k.fieldMac, ['v1', context, iv, ct]);
  const tag = Buffer.from(tagText, 'base64url');
  if (tag.length !== expected.length || !timingSafeEqual(tag, expected)) {
    throw new SealError('sealed value failed its HMAC-SM3 check');
  }
  const decipher = createDecipheriv('sm4-cbc', k.fieldEnc, iv);
  return Buffer.concat([decipher.update(ct), decipher.final()]).toString('utf8');
}

export type ScryptCost = { N: number; r: number; p: number };

/**
 * The password hashing policy: OWASP's Password Storage Cheat Sheet minimum for scrypt
 * (N=2^17, r=8, p=1: 128 MiB and a few hundred ms per hash). The parameters travel with each
 * hash, and a hash below the policy is replaced at the next successful log-in.
 */
export const PASSWORD_HASH_POLICY: ScryptCost = { N: 2 ** 17, r: 8, p: 1 };

/**
 * The cost new hashes get: the policy, except under the test runner (NODE_ENV=test), where the
 * suite's thousands of hashes would otherwise take minutes; the policy itself is tested apart.
 */
export function passwordHashCost(): ScryptCost {
  return readEnv().NODE_ENV === 'test' ? { N: 2 ** 14, r: 8, p: 1 } : PASSWORD_HASH_POLICY;
}

function scryptAsync(
  password: string,
  salt: Buffer,
  p: ScryptCost & { keylen: number },
): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(
      password.normalize('NFKC'),
      salt,
      p.keylen,
      { N: p.N, r: p.r, p: p.p, maxmem: 256 * p.N * p.r },
      (err, key) => (err ? reject(err) : resolve(key)),
    ),
  );
}

export async function hashPassword(
  password: string,
  cost: ScryptCost = passwordHashCost(),
): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, { ...cost, keylen: 32 });
  return `scrypt$${cost.N}$${cost.r}$${cost.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** Whether a stored hash costs less than the policy (or is not scrypt), so it is to be replaced. */
export function needsRehash(stored: string, cost: ScryptCost = passwordHashCost()): boolean {
  const [scheme, n, r, p] = stored.split('$');
  return scheme !== 'scrypt' || Number(n) < cost.N || Number(r) < cost.r || Number(p) < cost.p;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, saltText, keyText] = stored.split('$');
  if (scheme !== 'scrypt' || !saltText || !keyText) return false;
  const expected = Buffer.from(keyText, 'base64');
  const key = await scryptAsync(password, Buffer.from(saltText, 'base64'), {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    keylen: expected.length,
  });
  return timingSafeEqual(key, expected);
}

/** A hash to verify against when the user does not exist, so timing does not reveal that. */
let dummyHash: Promise<string> | null = null;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(randomToken());
  return dummyHash;
}
