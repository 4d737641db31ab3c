import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ZodError } from 'zod';

/** The codes a service may throw, each mapped to an HTTP status once, here. */
const STATUS_BY_PREFIX: [RegExp, number][] = [
  [/\.not_found$/, 404],
  [/\.conflict$|\.duplicate$|\.stale$/, 409],
  [/^auth\.locked$/, 423],
  [/\.rate_limited$/, 429],
  // a helper the server needs is missing or failed (LibreOffice for PDFs): try again later
  [/\.unavailable$/, 503],
  // a session that exists but may not do this (yet): not a reason to log in again
  [/^auth\.(csrf_invalid|password_change_required|totp_enrollment_required)$/, 403],
  [/^auth\./, 401],
  [/\.forbidden$/, 403],
  [/./, 400],
];

/** A failure the user can act on: a code, a Chinese message, and the field it concerns. */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: string,
    message: string,
    readonly details: { field?: string; messageEn?: string; [key: string]: unknown } = {},
  ) {
    super(message);
    this.status = STATUS_BY_PREFIX.find(([re]) => re.test(code))![1];
  }
}

export function notFound(what: string, zh: string, key: string | number): AppError {
  return new AppError(`${what}.not_found`, `${zh}“${key}”不存在`, {
    messageEn: `${what} "${key}" not found`,
  });
}

/** The stale-write answer: names who changed the record and when. */
export function staleVersion(
  what: string,
  current: { version: number; updatedBy?: string | null; updatedAt?: Date | null },
) {
  // Only who, when and which version: callers pass the whole row, which must not leak.
  const { version, updatedBy = null, updatedAt = null } = current;
  // The office's clock (UTC+8), so the person reading it recognises the time.
  const when = updatedAt
    ? new Date(updatedAt.getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ')
    : null;
  return new AppError(
    `${what}.stale`,
    `该记录已被${updatedBy ?? '他人'}${when ? `于 ${when} ` : ''}修改（当前版本${version}），请刷新后再保存`,
    {
      messageEn: `the record was changed by ${updatedBy ?? 'someone else'}${when ? ` at ${when} (UTC+8)` : ''}; reload and save again`,
      version,
      updatedBy,
      updatedAt,
    },
  );
}

export function errorHandler(
  error: FastifyError | AppError | Error,
  request: FastifyRequest,
  reply: FastifyReply,
) {
  if (error instanceof AppError) {
    return reply.status(error.status).send({
      error: { code: error.code, message: error.message, ...error.details },
    });
  }
  if (error instanceof ZodError) {
    // A service validated its own input (the CLI and the demo call services without HTTP).
    const issues = error.issues.map((i) => ({ field: i.path.join('.'), message: i.message }));
    return reply.status(400).send({
      error: {
        code: 'request.invalid',
        message: `字段“${issues[0]?.field}”无效：${issues[0]?.message}`,
        field: issues[0]?.field,
        issues,
      },
    });
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const issues = error.validation.map((v) => {
      const path = (v.instancePath ?? '').replace(/^\//, '').replaceAll('/', '.');
      const field = [error.validationContext === 'body' ? '' : error.validationContext, path]
        .filter(Boolean)
        .join('.');
      return { field, message: v.message };
    });
    const first = issues[0];
    return reply.status(400).send({
      error: {
        code: 'request.invalid',
        message: `字段“${first?.field ?? ''}”无效：${first?.message ?? ''}`,
        field: first?.field,
        issues,
      },
    });
  }
  if (malformedMultipart(error, request)) {
    return reply.status(400).send({
      error: {
        code: 'request.multipart_invalid',
        message: '上传的表单数据不完整或格式错误（multipart/form-data），请重新上传文件',
        messageEn: 'the multipart/form-data body is malformed or cut short; upload the file again',
        field: 'file',
      },
    });
  }
  const fe = error as FastifyError;
  if (fe.statusCode && fe.statusCode < 500) {
    return reply
      .status(fe.statusCode)
      .send({ error: { code: fe.code ?? 'request.invalid', message: fe.message } });
  }
  // Unknown failures are logged with the request id and answered without details.
  request.log.error({ err: error }, 'unhandled error');
  return reply
    .status(500)
    .send({ error: { code: 'internal', message: '服务器内部错误', requestId: request.id } });
}

/**
 * The multipart parser (busboy, under @fastify/multipart) throws plain errors, without a status,
 * for a body the client cut short or mis-framed (a missing, empty or overlong boundary); that is
 * the client's mistake, not the server's.
 */
const MULTIPART_MESSAGES =
  /^(Unexpected end of multipart data|.* terminated early due to unexpected end of multipart data|Multipart: Boundary not found|Boundary required|The needle cannot .*)$/;

function malformedMultipart(error: Error, request: FastifyRequest): boolean {
  const multipart = (request as { isMultipart?: () => boolean }).isMultipart;
  return (
    typeof multipart === 'function' &&
    multipart.call(request) &&
    MULTIPART_MESSAGES.test(error.message)
  );
}
