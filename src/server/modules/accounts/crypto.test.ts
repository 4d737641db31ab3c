import { createDecipheriv, createHmac, getCiphers, getHashes, hkdfSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  configureSecretKey,
  csrfTokenOf,
  hashPassword,
  needsRehash,
  openField,
  PASSWORD_HASH_POLICY,
  SealError,
  sealField,
  sessionIdOf,
  verifyPassword,
} from './crypto.ts';

const KEY = 'crypto-test-key-0123456789abcdef0123456789abcdef';

describe('商用密码 primitives', () => {
  it('Node has SM3 and SM4-CBC', () => {
    expect(getHashes()).toContain('sm3');
    expect(getCiphers()).toContain('sm4-cbc');
  });

  it('seals a field with SM4-CBC and an HMAC-SM3 tag bound to its place', () => {
    configureSecretKey(KEY);
    const sealed = sealField('13800138000', 'users.phone:7');
    expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain('13800138000');
    expect(sealField('13800138000', 'users.phone:7')).not.toBe(sealed); // fresh IV each time
    expect(openField(sealed, 'users.phone:7')).toBe('13800138000');
    // copied to another row or column: refused
    expect(() => openField(sealed, 'users.phone:8')).toThrow(SealError);
    expect(() => openField(sealed, 'users.email:7')).toThrow(SealError);
    // one bit changed in the ciphertext: refused before decrypting
    const [v, iv, ct, tag] = sealed.split('.');
    const flipped = Buffer.from(ct, 'base64url');
    flipped[0] ^= 1;
    expect(() =>
      openField([v, iv, flipped.toString('base64url'), tag].join('.'), 'users.phone:7'),
    ).toThrow(SealError);
    // it really is SM4-CBC under the derived key
    const key = Buffer.from(hkdfSync('sm3', Buffer.from(KEY), 'tiaodu', 'field-sm4', 16));
    const d = createDecipheriv('sm4-cbc', key, Buffer.from(iv, 'base64url'));
    expect(Buffer.concat([d.update(Buffer.from(ct, 'base64url')), d.final()]).toString()).toBe(
      '13800138000',
    );
    // another key opens nothing
    configureSecretKey(`${KEY}-other`);
    expect(() => openField(sealed, 'users.phone:7')).toThrow(SealError);
    configureSecretKey(KEY);
  });

  it('derives session ids and CSRF tokens with HMAC-SM3, never storing the token', () => {
    configureSecretKey(KEY);
    const id = sessionIdOf('token-1');
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    expect(sessionIdOf('token-2')).not.toBe(id);
    expect(csrfTokenOf('token-1')).not.toBe(csrfTokenOf('token-2'));
    expect(id).not.toBe(createHmac('sm3', KEY).update('token-1').digest('hex'));
  });

  it('hashes passwords with scrypt at the OWASP cost (N=2^17, r=8, p=1) and a salt', async () => {
    expect(PASSWORD_HASH_POLICY).toEqual({ N: 2 ** 17, r: 8, p: 1 });
    const a = await hashPassword('Correct-Horse-1', PASSWORD_HASH_POLICY);
    const b = await hashPassword('Correct-Horse-1', PASSWORD_HASH_POLICY);
    expect(a).toMatch(/^scrypt\$131072\$8\$1\$/);
    expect(needsRehash(a, PASSWORD_HASH_POLICY)).toBe(false);
    // the former default, and anything not scrypt, is below the policy
    expect(
      needsRehash(await hashPassword('x', { N: 2 ** 15, r: 8, p: 1 }), PASSWORD_HASH_POLICY),
    ).toBe(true);
    expect(needsRehash('md5$abc', PASSWORD_HASH_POLICY)).toBe(true);
    expect(a).not.toBe(b);
    expect(await verifyPassword('Correct-Horse-1', a)).toBe(true);
    expect(await verifyPassword('Correct-Horse-2', a)).toBe(false);
    expect(await verifyPassword('Correct-Horse-1', 'md5$abc')).toBe(false);
  });
});
