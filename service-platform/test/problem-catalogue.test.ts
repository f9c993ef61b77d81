import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BudgetExhausted, CataloguedProblem, DatabaseUnavailable, InternalError, PreconditionFailed, PreconditionRequired, ServiceUnavailable } from '../src/errors';
import { AnsweredAs, DomainError, InvalidFields, TtlTooLong, UnknownCurrency } from '../src/domain-error';
import { domainProblem } from '../src/problem-middleware';
import { PLATFORM_PROBLEMS as PROBLEMS, type ProblemCode } from '../src/problem-catalogue';

const documents = ['catalog', 'account', 'order'].map((name) => readFileSync(path.resolve(__dirname, `../../openapi/${name}.yaml`), 'utf8')).join('\n');

describe('the error catalogue', () => {
  test('every row is an HTTP error status with a title, and every code is documented in an OpenAPI document', () => {
    const undocumented: string[] = [];
    for (const [code, { status, title }] of Object.entries(PROBLEMS)) {
      expect({ code, status: status >= 400 && status <= 599, title: title.length > 0 }).toEqual({ code, status: true, title: true });
      // route_not_found and method_not_allowed are answered on any route, documented once in the README.
      if (!documents.includes(`\`${code}\``) && !['route_not_found', 'method_not_allowed'].includes(code)) undocumented.push(code);
    }
    expect(undocumented).toEqual([]);
  });

  test.each<[ProblemCode, CataloguedProblem]>([
    ['precondition_failed', new PreconditionFailed('changed')],
    ['precondition_required', new PreconditionRequired('needs If-Match')],
    ['budget_exhausted', new BudgetExhausted()],
    ['database_unavailable', new DatabaseUnavailable()],
    ['service_unavailable', new ServiceUnavailable('spent', 3)],
    ['internal_error', new InternalError()],
  ])('a %s problem takes its status and title from the catalogue', (code, problem) => {
    expect({ code: problem.code, status: problem.status, title: problem.title }).toEqual({ code, ...PROBLEMS[code] });
    expect(problem.isProblem).toBe(true);
  });

  test('TtlTooLong and UnknownCurrency are validation failures naming their field, as the edge validator names them', () => {
    expect(new TtlTooLong(600)).toBeInstanceOf(InvalidFields);
    expect(domainProblem(new TtlTooLong(600))).toMatchObject({ status: 400, code: 'validation_failed', title: PROBLEMS.validation_failed.title,
      detail: 'body.ttlSeconds: must be at most 600', extensions: { errors: [{ field: 'body.ttlSeconds', message: 'must be at most 600' }] } });
    expect(domainProblem(new UnknownCurrency('XYZ'))).toMatchObject({ status: 400, extensions: { errors: [{ field: 'body.currency', message: 'XYZ is not an ISO 4217 currency' }] } });
  });

  test('a domain error takes its status and title from the table, or the status its route chose; a code the table lacks is a 500', () => {
    const refusal = new DomainError('precondition_failed', 'changed', { sku: 'A' });
    expect(domainProblem(refusal)).toMatchObject({ status: 412, code: 'precondition_failed', title: PROBLEMS.precondition_failed.title, detail: 'changed', extensions: { sku: 'A' } });
    expect(domainProblem(new AnsweredAs(refusal, 409))).toMatchObject({ status: 409, code: 'precondition_failed' });
    expect(domainProblem(new DomainError('no_such_code', 'x'))).toMatchObject({ status: 500, code: 'internal_error' });
    const service = { no_such_code: { status: 409, title: 'A service code' }, precondition_failed: { status: 409, title: 'Overridden' } };
    expect(domainProblem(new DomainError('no_such_code', 'x'), service)).toMatchObject({ status: 409, title: 'A service code' });
    expect(domainProblem(refusal, service)).toMatchObject({ status: 409, title: 'Overridden' });
    expect(domainProblem(new DomainError('toString', 'x'), service)).toMatchObject({ status: 500 }); // own rows only
    expect(domainProblem(new Error('plain'))).toBeUndefined();
  });

  test('a 503 carries Retry-After', () => {
    for (const p of [new BudgetExhausted(), new DatabaseUnavailable(), new ServiceUnavailable('x', 2)]) expect(p.headers['Retry-After']).toMatch(/^[1-9]\d*$/);
  });
});
