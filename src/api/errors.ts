/**
 * The API's error answers: every failure is `{statusCode, code, message, details}` with a status from
 * `ERROR_CODES` (errors/), so clients branch on `code`, never on message text (DESIGN.md §6: only `api/` maps
 * codes to HTTP statuses).
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { ERROR_CODES, type ErrorCode, GridPeerError, httpStatusFor, jsonSafe } from '../errors/index.js';
import type { ValidationFailure } from '../errors/result.js';

export interface ErrorBody {
  statusCode: number;
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

/** A rejected transaction or block as a thrown error: the rule's own code when it has a status, else TX_INVALID. */
export function failureToError(failure: ValidationFailure, fallback: 'TX_INVALID' | 'BLOCK_INVALID'): GridPeerError {
  const code = (failure.code in ERROR_CODES ? failure.code : fallback) as ErrorCode;
  return new GridPeerError(code, failure.reason, {
    rule: failure.code,
    ...(failure.txIndex === undefined ? {} : { txIndex: failure.txIndex }),
    ...(failure.blockHeight === undefined ? {} : { blockHeight: failure.blockHeight }),
  });
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | GridPeerError, request, reply) => {
    let body: ErrorBody;
    if (error instanceof GridPeerError) {
      body = {
        statusCode: httpStatusFor(error),
        code: error.code,
        message: error.message,
        details: jsonSafe(error.details) as Record<string, unknown>,
      };
    } else if ((error as FastifyError).validation) {
      const first = (error as FastifyError).validation?.[0];
      const path = `${(error as FastifyError).validationContext ?? 'body'}${first?.instancePath ?? ''}`;
      const params = first?.params as { missingProperty?: string; additionalProperty?: string } | undefined;
      // A missing or unexpected property is named itself, not its parent object.
      const missing = params?.missingProperty ?? params?.additionalProperty;
      const field = (missing ? `${path}/${missing}` : path).replace(/^body\/?/, '').replaceAll('/', '.') || 'body';
      body = {
        statusCode: 400,
        code: 'INVALID_ARGUMENT',
        message: `${field}: ${first?.message ?? error.message}`,
        details: { field, rule: first?.keyword ?? 'schema' },
      };
    } else if ((error as FastifyError).code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      body = { statusCode: 413, code: 'BODY_TOO_LARGE', message: 'request body exceeds the size limit' };
    } else if (
      (error as FastifyError).code === 'FST_ERR_CTP_INVALID_JSON_BODY' ||
      (error as FastifyError).code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ||
      (error instanceof SyntaxError && (error as FastifyError).statusCode === 400)
    ) {
      body = { statusCode: 400, code: 'INVALID_JSON', message: `the body is not valid JSON: ${error.message}` };
    } else if ((error as FastifyError).code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      body = { statusCode: 415, code: 'INVALID_ARGUMENT', message: 'send JSON with content-type: application/json' };
    } else if (typeof (error as FastifyError).statusCode === 'number' && (error as FastifyError).statusCode! < 500) {
      body = { statusCode: (error as FastifyError).statusCode!, code: 'INVALID_ARGUMENT', message: error.message };
    } else {
      request.log.error({ err: error }, 'unexpected error');
      body = { statusCode: 500, code: 'INTERNAL', message: 'internal error' };
    }
    void reply.status(body.statusCode).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    void reply
      .status(404)
      .send({ statusCode: 404, code: 'NOT_FOUND', message: `no route ${request.method} ${request.url}` });
  });
}
