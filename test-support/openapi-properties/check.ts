// Checking an answer against the document.
// Part of the property-based bad-input tests: see index.ts.
import { isDeepStrictEqual } from 'node:util';
import type { Operation } from './document';
import { GeneratedRequest } from './requests';
import { isValid, schemaErrors } from './schemas';
import type { Answer } from './wire';

export const PLATFORM_STATUSES = [404, 405, 413, 415, 431];

/** What is wrong with `answer` to `req` (made for `op`), per the document; [] when nothing is. */
export function checkAnswer(op: Operation, req: GeneratedRequest, answer: Answer): string[] {
  const wrong: string[] = [];
  const { status } = answer;
  const documented = [...op.responses.keys()];
  const onThisRoute = req.kind === 'wrong-method' ? [] : documented;
  if (!onThisRoute.includes(status) && !PLATFORM_STATUSES.includes(status)) {
    wrong.push(`status ${status} is not documented for ${op.operationId} (documented: ${documented.join(', ')}; any route: ${PLATFORM_STATUSES.join(', ')})`);
  }
  const body = answer.json as Record<string, unknown> | undefined;
  if (req.budgetSpent) {
    if (status !== 503 || body?.code !== 'service_unavailable' || !answer.headers['retry-after']) {
      wrong.push(`a spent X-Request-Budget-Ms must be answered 503 service_unavailable with Retry-After, not ${status} ${String(body?.code ?? '')}`);
    }
  } else if (status >= 500) {
    wrong.push(`a ${status}: the server failed${body?.code ? ` (${String(body.code)})` : ''}`);
  }
  if (req.mustRefuse && status < 400) wrong.push(`${status}: accepted a request the document makes invalid`);
  if (status >= 400) {
    const ct = answer.headers['content-type'] ?? '(none)';
    if (!/^application\/problem\+json\b/.test(ct)) wrong.push(`a ${status} must be application/problem+json, not ${ct}`);
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      wrong.push(`a ${status} has no problem object: ${JSON.stringify(answer.text.slice(0, 200))}`);
    } else {
      if (typeof body.type !== 'string') wrong.push('the problem has no string `type`');
      if (typeof body.title !== 'string') wrong.push('the problem has no string `title`');
      if (body.status !== status) wrong.push(`the problem's \`status\` is ${JSON.stringify(body.status)}, the HTTP status ${status}`);
      if (typeof body.code !== 'string') wrong.push('the problem has no string `code`');
      const schema = op.responses.get(status)?.schema;
      if (schema && req.kind !== 'wrong-method') {
        const errors = schemaErrors(schema, body);
        if (errors) wrong.push(`the problem is not valid against the documented schema: ${errors}`);
      }
    }
  }
  if (status >= 200 && status < 300) {
    const documentedResponse = op.responses.get(status);
    for (const [name, schema] of documentedResponse?.requiredHeaders ?? []) {
      const value = answer.headers[name];
      if (value === undefined) wrong.push(`a ${status} must carry the header ${name}`);
      else if (!isValid(schema, value)) wrong.push(`the ${name} header ${JSON.stringify(value)} is not valid: ${schemaErrors(schema, value)}`);
    }
    if (documentedResponse?.schema) {
      const ct = answer.headers['content-type'] ?? '(none)';
      if (!ct.startsWith(documentedResponse.contentType ?? 'application/json')) wrong.push(`a ${status} must be ${documentedResponse.contentType}, not ${ct}`);
      if (answer.json === undefined) wrong.push(`a ${status} has no JSON body: ${JSON.stringify(answer.text.slice(0, 200))}`);
      else {
        const errors = schemaErrors(documentedResponse.schema, answer.json);
        if (errors) wrong.push(`the ${status} body is not valid against the documented schema: ${errors}`);
      }
    } else if (documentedResponse && answer.text !== '') {
      wrong.push(`a ${status} is documented without a body, but has one`);
    }
  }
  return wrong;
}

/** Where two snapshots differ (up to 3 places). */
export function differences(a: unknown, b: unknown, path = '', out: string[] = []): string[] {
  if (out.length >= 3 || isDeepStrictEqual(a, b)) return out;
  if (a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) differences((a as any)[k], (b as any)[k], `${path}${Array.isArray(a) ? `[${k}]` : `.${k}`}`, out);
    return out;
  }
  out.push(`${path || '(state)'}: ${JSON.stringify(a)?.slice(0, 200)} → ${JSON.stringify(b)?.slice(0, 200)}`);
  return out;
}

/** A property failed: says what is wrong, with the request and the answer. */
export class ContractViolation extends Error {
  override readonly name = 'ContractViolation';
  constructor(wrong: string[], req: GeneratedRequest, answer: Answer) {
    const answerText = answer.text.length > 400 ? `${answer.text.slice(0, 400)}… (${answer.text.length} characters)` : answer.text;
    super([
      ...wrong.map((w) => `- ${w}`),
      'request:', req.describe(), 'answer:', `  ${answer.status} ${answer.headers['content-type'] ?? '(no content type)'} ${answerText}`,
    ].join('\n'));
  }
}

/**
 * The state read after the last refused request of the running property: nothing runs between two
 * requests, so it is the state before the next one (this saves a third of the reads). Forgotten when
 * a request is accepted, fails, and when a property starts.
 */
