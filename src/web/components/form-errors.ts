import type { FormInstance } from 'antd';
import type { ZodError } from 'zod';
import { ApiError } from '../api.ts';

/**
 * Puts a failure where the user looks: a server error naming a field (or a zod issue from the
 * shared contract) goes under that field; the message is returned for a toast.
 */
export function showFieldErrors(
  form: FormInstance,
  error: unknown,
  text: (e: unknown) => string,
  fieldMap: Record<string, string> = {},
): string {
  const message = text(error);
  if (error instanceof ApiError && error.field) {
    // "timingTargets.3" → ['timingTargets', 3]; "body." and "querystring." prefixes dropped.
    const path = (fieldMap[error.field] ?? error.field)
      .replace(/^(body|querystring|params)\./, '')
      .split('.')
      .map((x) => (/^\d+$/.test(x) ? Number(x) : x));
    form.setFields([{ name: path.length === 1 ? path[0] : path, errors: [message] }]);
  }
  return message;
}

/** The zod issues of a shared contract as antd field errors; true when there were any. */
export function showZodErrors(form: FormInstance, error: ZodError, lang: 'zh-CN' | 'en'): boolean {
  const fields = error.issues.map((i) => ({
    name: i.path.length === 1 ? String(i.path[0]) : (i.path as (string | number)[]),
    // Contract messages are "中文 / English".
    errors: [pickLang(i.message, lang)],
  }));
  form.setFields(
    fields.filter((f) => f.name !== '' && !(Array.isArray(f.name) && f.name.length === 0)),
  );
  return fields.length > 0;
}

export function pickLang(message: string, lang: 'zh-CN' | 'en'): string {
  const [zh, en] = message.split(' / ');
  return lang === 'en' && en ? en : zh;
}
