/** Counts answers by status: { 201: 10, 409: 20 }. */
export const countStatuses = (responses: Array<{ status: number }>): Record<number, number> =>
  responses.reduce<Record<number, number>>((acc, r) => ({ ...acc, [r.status]: (acc[r.status] ?? 0) + 1 }), {});

/** An RFC 9457 problem: the right HTTP status, problem+json, and `status`/`code` members that agree. */
export function expectProblem(res: { status: number; headers: Headers; body: any }, status: number, code: string): void {
  expect({ status: res.status, code: res.body?.code }).toEqual({ status, code });
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ type: `urn:problem-type:${code}`, status, code, title: expect.any(String) });
}
