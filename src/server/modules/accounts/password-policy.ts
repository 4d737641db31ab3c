import { z } from 'zod';

/** The security policy the security admin keeps, per office; bounds keep it at the 等保 baseline. */
export const securitySettingsInput = z.object({
  passwordMinLength: z.number().int().min(8).max(64),
  passwordMinClasses: z.number().int().min(2).max(4),
  passwordHistory: z.number().int().min(1).max(24),
  /** 0: passwords do not expire */
  passwordMaxAgeDays: z.number().int().min(0).max(365),
  lockoutThreshold: z.number().int().min(3).max(10),
  lockoutMinutes: z.number().int().min(1).max(1440),
  sessionIdleMinutes: z.number().int().min(5).max(120),
  sessionAbsoluteHours: z.number().int().min(1).max(24),
});
export type SecuritySettings = z.infer<typeof securitySettingsInput>;

export const DEFAULT_SECURITY_SETTINGS: SecuritySettings = {
  passwordMinLength: 8,
  passwordMinClasses: 3,
  passwordHistory: 5,
  passwordMaxAgeDays: 0,
  lockoutThreshold: 5,
  lockoutMinutes: 15,
  sessionIdleMinutes: 30,
  sessionAbsoluteHours: 12,
};

export const DEMO_PASSWORD = 'Tiaodu-demo-2023';

/** Passwords every guessing list starts with; the demo password is one of them outside the demo. */
const COMMON = new Set([
  'password1!',
  'passw0rd!',
  'p@ssw0rd',
  'p@ssw0rd1',
  'p@55w0rd',
  'admin@123',
  'admin123!',
  'admin@1234',
  'abc@1234',
  'abc@123456',
  'aa123456!',
  'qwer1234!',
  'qwe123!@#',
  '1qaz@wsx',
  '1qaz2wsx!',
  'huawei@123',
  'root@123',
  'test@123',
  'welcome1!',
  'changeme1!',
  'tiaodu@123',
  DEMO_PASSWORD.toLowerCase(),
]);

export type PolicyProblem = { code: string; message: string; messageEn: string };

/** Checks a new password against the policy; the first problem, or null when it passes. */
export function checkPassword(
  password: string,
  settings: Pick<SecuritySettings, 'passwordMinLength' | 'passwordMinClasses'>,
  username: string,
): PolicyProblem | null {
  if (password.length < settings.passwordMinLength) {
    return {
      code: 'password.too_short',
      message: `密码至少 ${settings.passwordMinLength} 位`,
      messageEn: `the password needs at least ${settings.passwordMinLength} characters`,
    };
  }
  if (password.length > 128) {
    return {
      code: 'password.too_long',
      message: '密码不能超过 128 位',
      messageEn: 'at most 128 characters',
    };
  }
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((re) =>
    re.test(password),
  ).length;
  if (classes < settings.passwordMinClasses) {
    return {
      code: 'password.too_simple',
      message: `密码须包含大写字母、小写字母、数字、符号中的至少 ${settings.passwordMinClasses} 类`,
      messageEn: `use at least ${settings.passwordMinClasses} of: lower case, upper case, digits, symbols`,
    };
  }
  const lower = password.toLowerCase();
  if (username.length >= 3 && lower.includes(username.toLowerCase())) {
    return {
      code: 'password.contains_username',
      message: '密码不能包含用户名',
      messageEn: 'the password must not contain the user name',
    };
  }
  if (COMMON.has(lower)) {
    return {
      code: 'password.common',
      message: '该密码过于常见或为公开的默认密码，请换一个',
      messageEn: 'this password is too common or a published default',
    };
  }
  return null;
}

/** A random temporary password that passes any policy within the bounds above. */
export function temporaryPassword(random: (n: number) => Buffer): string {
  const sets = ['ABCDEFGHJKLMNPQRSTUVWXYZ', 'abcdefghijkmnpqrstuvwxyz', '23456789', '!@#%*-_+='];
  const all = sets.join('');
  const bytes = random(20);
  const chars = sets.map((s, i) => s[bytes[i] % s.length]);
  for (let i = 4; i < 16; i++) chars.push(all[bytes[i] % all.length]);
  // Shuffle so the classes do not sit in a fixed order.
  for (let i = chars.length - 1; i > 0; i--) {
    const j = bytes[(i + 4) % bytes.length] % (i + 1);
    [chars[i], chars[j]] = [chars[j], chars[i]];
  }
  return chars.join('');
}
