import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BudgetExhausted, CataloguedProblem, DatabaseUnavailable, InternalError, PreconditionFailed, PreconditionRequired, ServiceUnavailable, TtlTooLong, UnknownCurrency, ValidationFailed } from '../src/errors';
import { type ProblemCode, PROBLEMS } from '../src/problem-catalogue';

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
    ['validation_failed', new TtlTooLong(600)],
    ['validation_failed', new UnknownCurrency('XYZ')],
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
    expect(new TtlTooLong(600)).toBeInstanceOf(ValidationFailed);
    expect(new TtlTooLong(600)).toMatchObject({ detail: 'body.ttlSeconds: must be at most 600', extensions: { errors: [{ field: 'body.ttlSeconds', message: 'must be at most 600' }] } });
    expect(new UnknownCurrency('XYZ')).toMatchObject({ extensions: { errors: [{ field: 'body.currency', message: 'XYZ is not an ISO 4217 currency' }] } });
  });

  test('a 503 carries Retry-After', () => {
    for (const p of [new BudgetExhausted(), new DatabaseUnavailable(), new ServiceUnavailable('x', 2)]) expect(p.headers['Retry-After']).toMatch(/^[1-9]\d*$/);
  });
});
