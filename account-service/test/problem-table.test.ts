// Every row of ACCOUNT_PROBLEMS is documented in openapi/account.yaml with its status, and every code the
// document lists is a row of this table or of the platform's (test-support/problem-table-check.ts).
import path from 'node:path';
import { PLATFORM_PROBLEMS } from 'service-platform';
import { checkProblemTable, documentedProblems } from '../../test-support/problem-table-check';
import { ACCOUNT_PROBLEMS } from '../src/routes/problems';

const DOCUMENT = path.resolve(__dirname, '../../openapi/account.yaml');

describe("Account's problem table and its document", () => {
  test('when the table and the document are compared both ways, then neither has a code the other lacks', () => {
    expect(checkProblemTable(ACCOUNT_PROBLEMS, PLATFORM_PROBLEMS, DOCUMENT)).toEqual({ notDocumented: [], notInTable: [] });
  });

  test('when a row is added, removed or given another status, then the check names it', () => {
    const { unknown_account: removed, ...rest } = ACCOUNT_PROBLEMS;
    expect(checkProblemTable({ ...rest, made_up: { status: 409, title: 'x' } }, PLATFORM_PROBLEMS, DOCUMENT))
      .toEqual({ notDocumented: ['made_up (409)'], notInTable: ['unknown_account'] });
    expect(checkProblemTable({ ...ACCOUNT_PROBLEMS, unknown_account: { ...removed, status: 418 } }, PLATFORM_PROBLEMS, DOCUMENT).notDocumented)
      .toEqual(['unknown_account (418)']);
  });

  test('when the document is walked, then it finds every operation\'s problems, $refs followed', () => {
    const found = documentedProblems(DOCUMENT);
    expect(found).toContainEqual({ operation: 'placeHold', status: 422, code: 'unknown_account' });
    expect(found.filter((d) => d.code === 'unauthorized').length).toBeGreaterThan(1);
  });
});
