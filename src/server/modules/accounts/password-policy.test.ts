import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  checkPassword,
  DEFAULT_SECURITY_SETTINGS,
  DEMO_PASSWORD,
  securitySettingsInput,
  temporaryPassword,
} from './password-policy.ts';

const policy = DEFAULT_SECURITY_SETTINGS;
const code = (pw: string, user = 'zhangsan') => checkPassword(pw, policy, user)?.code ?? null;

describe('password policy (default: 8 characters, 3 of 4 classes)', () => {
  it.each([
    ['Abc1!', 'password.too_short'],
    ['abcdefgh', 'password.too_simple'],
    ['abcdefg1', 'password.too_simple'],
    ['ABCDEFG1', 'password.too_simple'],
    ['Abcdefgh', 'password.too_simple'],
    ['Abcdefg1', null],
    ['abcdef1!', null],
    ['ABCDEF1!', null],
    ['Abcdefg!', null],
    ['长城长城Ab1!', null],
    ['Zhangsan-2026', 'password.contains_username'],
    ['P@ssw0rd', 'password.common'],
    ['Admin@123', 'password.common'],
    [DEMO_PASSWORD, 'password.common'],
    ['x'.repeat(120) + 'A1!'.repeat(3), 'password.too_long'],
  ])('%s → %s', (pw, expected) => {
    expect(code(pw)).toBe(expected);
  });

  it('follows a stricter configuration', () => {
    const strict = { passwordMinLength: 12, passwordMinClasses: 4 };
    expect(checkPassword('Abcdefg1!', strict, 'u')?.code).toBe('password.too_short');
    expect(checkPassword('Abcdefghijk1', strict, 'u')?.code).toBe('password.too_simple');
    expect(checkPassword('Abcdefghij1!', strict, 'u')).toBeNull();
  });

  it('cannot be configured below the baseline', () => {
    const ok = securitySettingsInput.safeParse(DEFAULT_SECURITY_SETTINGS);
    expect(ok.success).toBe(true);
    for (const weaker of [
      { passwordMinLength: 6 },
      { passwordMinClasses: 1 },
      { passwordHistory: 0 },
      { lockoutThreshold: 20 },
      { sessionIdleMinutes: 600 },
    ]) {
      expect(
        securitySettingsInput.safeParse({ ...DEFAULT_SECURITY_SETTINGS, ...weaker }).success,
        JSON.stringify(weaker),
      ).toBe(false);
    }
  });

  it('generates temporary passwords that pass the strictest policy', () => {
    const strict = { passwordMinLength: 16, passwordMinClasses: 4 };
    for (let i = 0; i < 200; i++) {
      const pw = temporaryPassword(randomBytes);
      expect(pw).toHaveLength(16);
      expect(checkPassword(pw, strict, 'someone'), pw).toBeNull();
    }
  });
});
