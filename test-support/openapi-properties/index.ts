/**
 * Property-based bad-input tests generated from an OpenAPI 3.1 document (fast-check 4 + ajv 2020).
 *
 * For every operation of a document this module builds fast-check arbitraries of whole HTTP
 * requests, one arbitrary per kind of input:
 *   valid           well-typed path, query and header values and bodies, drawn from the schemas
 *   body            ill-typed bodies: another JSON type, null, an array for an object, a required
 *                   field missing, an unknown field, a boundary just outside minimum / maximum /
 *                   minLength / maxLength / minItems / maxItems, a fraction for an integer,
 *                   numbers beyond 2^53 (and 1e400), 100k-character strings, off-pattern/format/enum
 *   path            bad path parameters: over-long, characters off the pattern, url-encoded junk
 *                   (and over-encoded valid values, which must be read as the value)
 *   query           unknown, ill-typed, out-of-range, empty, repeated or nested (qs) query
 *                   parameters, url-encoded junk, forged (well-formed but made-up) cursors
 *   headers         a required header (Idempotency-Key) missing, bad or repeated; a missing or wrong
 *                   bearer token; a Content-Encoding the body does not have; junk in the headers the
 *                   platform reads (X-Request-Id, traceparent, X-Request-Budget-Ms, Accept)
 *   content-type    no content type, text/plain, application/xml, forms, another charset...
 *   malformed-json  a JSON content type with a body that is not JSON (or not an object/array)
 * and, for a service as a whole, requests with an undocumented method, and request heads past
 * Node's 16 KiB header limit.
 *
 * Each answer is held to the document (checkAnswer): a status the operation lists (or 404, 405,
 * 413, 415, which the platform answers on any route), never a 5xx (a 503 `service_unavailable` is
 * expected, and only then, when the request itself said its time budget was spent), every error as
 * application/problem+json with `type`, `title`, `status` (= the HTTP status) and a string `code`
 * (and valid against the schema documented for that status), a 2xx body valid against the
 * documented response schema and carrying the headers its response marks required (an item's ETag), a request the document makes invalid never accepted; and after a
 * refused request (any non-2xx answer to a request of a bad kind) the state the test reads through
 * the API (`Target.snapshot`, plus a GET of the entity the request addressed) is unchanged.
 *
 * Requests go over a raw TCP socket (`send`), not fetch or node:http: no client-side validation or
 * normalisation of paths and headers, and nock (which patches node:http) never sees them.
 *
 * The files, along the sections the single file had: document (operations, $refs resolved),
 * schemas (ajv, JSON text), valid-values, invalid-values (and bad bodies), requests (a generated
 * request and its pieces), bad-segments (path, query), bad-headers, bad-content (content types,
 * malformed JSON), kinds (which kinds an operation gets; wrong methods, oversized heads), wire (raw
 * socket), check (an answer against the document), properties (the fast-check runs).
 *
 * Environment:
 *   FC_NUM_RUNS  runs per property (default 50). A property is one (operation, kind) pair.
 *   FC_SEED      the fast-check seed (default 20261125): every run generates the same requests.
 *   FC_PATH      with FC_SEED, replays exactly the failing case a report printed (its "path");
 *                run that one test alone (jest -t '<name>').
 *   FC_VERBOSE   1: fast-check reports every step of its shrinking.
 */
export { type DocumentedResponse, type Operation, type Parameter, type Schema, loadOperations, resolveRefs } from './document';
export { RawJson, isValid, schemaErrors, toJsonText } from './schemas';
export { type Hints, validValue } from './valid-values';
export { type BadBody, HUGE_STRING_LENGTH, badBody, invalidValue } from './invalid-values';
export { GeneratedRequest, type HeaderValue, type Kind, type Target } from './requests';
export { kindsFor, oversizedHeads, requestsFor, wrongMethods } from './kinds';
export { type Answer, getJson, listAll, send } from './wire';
export { ContractViolation, PLATFORM_STATUSES, checkAnswer } from './check';
export { PROPERTY_TIMEOUT_MS, checkOperation, checkService, numRuns, propertyTests, seed } from './properties';
