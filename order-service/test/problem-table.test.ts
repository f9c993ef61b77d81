// Every row of ORDER_PROBLEMS is documented in openapi/order.yaml with its status, and every code the
// document lists is a row of this table or of the platform's (test-support/problem-table-check.ts);
// every refusal that rejects an order (REJECTION_CODES, the domain's list) has a row.
import path from 'node:path';
import { PLATFORM_PROBLEMS } from 'service-platform';
import { checkProblemTable } from '../../test-support/problem-table-check';
import { REJECTION_CODES } from '../src/domain/order-reasons';
import { ORDER_PROBLEMS } from '../src/routes/problems';

const DOCUMENT = path.resolve(__dirname, '../../openapi/order.yaml');

describe("Order's problem table and its document", () => {
  test('when the table and the document are compared both ways, then neither has a code the other lacks', () => {
    expect(checkProblemTable(ORDER_PROBLEMS, PLATFORM_PROBLEMS, DOCUMENT)).toEqual({ notDocumented: [], notInTable: [] });
  });

  test('when an order is rejected for any of the refusals that reject, then its code has a row (409 or 422)', () => {
    const table: Record<string, { status: number }> = ORDER_PROBLEMS;
    expect(REJECTION_CODES.filter((code) => ![409, 422].includes(table[code]?.status))).toEqual([]);
  });
});
