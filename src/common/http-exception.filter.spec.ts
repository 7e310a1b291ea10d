import { BadRequestException, ForbiddenException, HttpException, Logger, NotFoundException, ValidationPipe } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { generateApiKey } from '../api-keys/api-key-format.js';
import { ApiKeyChanged, ApiKeyNotFound, CannotGrant, InvalidExpiry, TooManyApiKeys } from '../api-keys/api-key.errors.js';
import { Authority } from '../rights/authority.js';
import { Right } from '../rights/right.js';
import { CustomerNotFound, NotInTenant, TenantNotFound } from '../tenants/tenant.errors.js';
import { CreateUserDto } from '../users/dto/create-user.dto.js';
import {
  CannotCreateAuthority,
  CannotGrantAuthority,
  CannotSwitchOwnAccount,
  EmailTaken,
  LastSysAdmin,
  MissingPlacement,
  NotManaged,
  OutsideOwnTenant,
  UnwantedPlacement,
  UserNotFound,
} from '../users/user.errors.js';
import { DomainError } from './domain-error.js';
import { TooManyRequestsException } from './too-many-requests.exception.js';
import { sendError } from './http-exception.filter.js';

/** A reply that records what was sent, and when, beside the logger's calls. */
function makeReply(events: string[] = []) {
  const reply = {
    sent: false,
    statusCode: 0,
    headers: {} as Record<string, string>,
    body: undefined as unknown,
    status(code: number) {
      reply.statusCode = code;
      return reply;
    },
    header(name: string, value: string) {
      reply.headers[name.toLowerCase()] = value;
      return reply;
    },
    send(json: string) {
      events.push('send');
      reply.body = JSON.parse(json);
      return reply;
    },
  };
  return reply;
}

function answer(exception: unknown) {
  const reply = makeReply();
  sendError(reply as unknown as FastifyReply, exception);
  return { status: reply.statusCode, body: reply.body as Record<string, unknown>, headers: reply.headers };
}

const logged = () => vi.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);

afterEach(() => vi.restoreAllMocks());

describe('sendError: each domain error kind has one status', () => {
  it.each<[string, DomainError, number, string]>([
    ['ApiKeyNotFound', new ApiKeyNotFound('K1', 'me'), 404, 'Not Found'],
    ['UserNotFound', new UserNotFound('u1'), 404, 'Not Found'],
    ['TenantNotFound', new TenantNotFound('t1'), 404, 'Not Found'],
    ['CustomerNotFound', new CustomerNotFound('c1', 't1'), 404, 'Not Found'],
    ['NotManaged', new NotManaged('u1'), 403, 'Forbidden'],
    ['CannotCreateAuthority', new CannotCreateAuthority(Authority.TENANT_ADMIN, Authority.SYS_ADMIN), 403, 'Forbidden'],
    ['OutsideOwnTenant', new OutsideOwnTenant(), 403, 'Forbidden'],
    ['CannotSwitchOwnAccount', new CannotSwitchOwnAccount(), 403, 'Forbidden'],
    ['NotInTenant', new NotInTenant(), 403, 'Forbidden'],
    ['ApiKeyChanged', new ApiKeyChanged('K1'), 409, 'Conflict'],
    ['TooManyApiKeys', new TooManyApiKeys('u1', 2), 409, 'Conflict'],
    ['EmailTaken', new EmailTaken('a@example.test'), 409, 'Conflict'],
    ['LastSysAdmin', new LastSysAdmin(), 409, 'Conflict'],
  ])('%s: %i with its message', (_name, error, status, reason) => {
    expect(error).not.toBeInstanceOf(HttpException);
    expect(answer(error)).toEqual({ status, headers: { 'content-type': 'application/json; charset=utf-8' }, body: { statusCode: status, error: reason, message: error.message } });
  });

  it.each<[string, DomainError]>([
    ['InvalidExpiry', new InvalidExpiry(90, 'too late')],
    ['MissingPlacement', new MissingPlacement('tenantId')],
    ['UnwantedPlacement', new UnwantedPlacement(Authority.SYS_ADMIN)],
  ])('%s: 400, its message also the one entry of errors', (_name, error) => {
    expect(answer(error)).toMatchObject({ status: 400, body: { statusCode: 400, error: 'Bad Request', message: error.message, errors: [error.message] } });
  });

  it("answers with today's words", () => {
    expect(answer(new ApiKeyNotFound('K1', 'me')).body.message).toBe('API key K1 not found for user me');
    expect(answer(new TooManyApiKeys('u1', 2)).body.message).toBe('User u1 already has 2 API keys, the most allowed; delete one first');
    expect(answer(new InvalidExpiry(90, 'missing')).body.message).toBe('expiresAt is required: keys live at most 90 days');
    expect(answer(new CustomerNotFound('c1')).body.message).toBe('Customer c1 not found');
    expect(answer(new UnwantedPlacement(Authority.TENANT_ADMIN)).body.message).toBe('A tenant administrator belongs to no customer');
  });

  it('puts a domain error’s extra fields in the body', () => {
    expect(answer(new CannotGrant([Right.USER_TENANTS, Right.USER_CUSTOMERS]))).toMatchObject({
      status: 403,
      body: { statusCode: 403, error: 'Forbidden', message: 'You cannot grant rights you do not hold: RIGHT_USER_TENANTS, RIGHT_USER_CUSTOMERS', missingRights: ['RIGHT_USER_TENANTS', 'RIGHT_USER_CUSTOMERS'] },
    });
    expect(answer(new CannotGrantAuthority(Authority.SYS_ADMIN, [Right.USER_TENANTS])).body).toEqual({
      statusCode: 403,
      error: 'Forbidden',
      message: 'A SYS_ADMIN holds rights you do not: RIGHT_USER_TENANTS',
      missingRights: ['RIGHT_USER_TENANTS'],
    });
  });

  it('redacts a key a domain message echoes', () => {
    const { key, id } = generateApiKey();
    expect(answer(new ApiKeyNotFound(key, 'me')).body.message).toBe(`API key NNSXS.${id}.[REDACTED] not found for user me`);
  });
});

describe('sendError: message is one string', () => {
  it('joins the validation pipe’s list and keeps each problem in errors', async () => {
    const refused = await new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true })
      .transform({ email: 'not-an-email', password: 'password-1234', authority: 'SYS_ADMIN', isAdmin: true }, { type: 'body', metatype: CreateUserDto })
      .catch((error: unknown) => error);
    const { status, body } = answer(refused);
    expect(status).toBe(400);
    expect(body.errors).toEqual(['property isAdmin should not exist', 'email must be an email']);
    expect(body).toEqual({ statusCode: 400, error: 'Bad Request', message: 'property isAdmin should not exist; email must be an email', errors: body.errors });
  });

  it('keeps an HTTP exception’s string message and extra fields', () => {
    expect(answer(new NotFoundException('Cannot GET /api/nothing')).body).toEqual({ statusCode: 404, error: 'Not Found', message: 'Cannot GET /api/nothing' });
    expect(answer(new ForbiddenException({ message: 'Missing right RIGHT_USER_TENANTS', missingRight: Right.USER_TENANTS })).body).toEqual({
      statusCode: 403,
      error: 'Forbidden',
      message: 'Missing right RIGHT_USER_TENANTS',
      missingRight: 'RIGHT_USER_TENANTS',
    });
    expect(answer(new BadRequestException('Validation failed (uuid is expected)')).body).toEqual({ statusCode: 400, error: 'Bad Request', message: 'Validation failed (uuid is expected)' });
  });

  it('sets Retry-After from a 429', () => {
    expect(answer(new TooManyRequestsException('Too many failed logins; retry later', 30))).toMatchObject({
      status: 429,
      headers: { 'retry-after': '30' },
      body: { statusCode: 429, error: 'Too Many Requests', message: 'Too many failed logins; retry later', retryAfterSeconds: 30 },
    });
  });

  it('builds an HTTP exception’s body once, however often it is answered', () => {
    const refusal = new ForbiddenException('Authentication required');
    const built = vi.spyOn(refusal, 'getResponse');
    expect(answer(refusal).body).toEqual(answer(refusal).body);
    expect(built).toHaveBeenCalledTimes(1);
  });
});

describe('sendError: the unexpected', () => {
  it('logs an unknown error with its stack before answering a plain 500', () => {
    const events: string[] = [];
    const error = logged().mockImplementation(() => void events.push('log'));
    const reply = makeReply(events);
    const bug = new TypeError('x.equals is not a function');
    sendError(reply as unknown as FastifyReply, bug);
    expect(events).toEqual(['log', 'send']);
    expect(error).toHaveBeenCalledWith(expect.stringContaining('TypeError: x.equals is not a function\n    at '));
    expect(reply.statusCode).toBe(500);
    expect(reply.body).toEqual({ statusCode: 500, error: 'Internal Server Error', message: 'Internal server error' });
  });

  it('logs it even when the reply has already gone', () => {
    const error = logged();
    const reply = Object.assign(makeReply(), { sent: true });
    sendError(reply as unknown as FastifyReply, new Error('after the answer'));
    expect(error).toHaveBeenCalledOnce();
    expect(reply.body).toBeUndefined();
  });

  it('logs no domain error', () => {
    const error = logged();
    answer(new UserNotFound('u1'));
    answer(new InvalidExpiry(1, 'missing'));
    expect(error).not.toHaveBeenCalled();
  });
});
