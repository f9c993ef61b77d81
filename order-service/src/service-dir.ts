import path from 'node:path';

/**
 * The service's own folder (prisma/, public/ and the repository's openapi/ beside it). Paths are
 * taken from here, never from a deeper module's __dirname: src/ and dist/ (where the build puts
 * every module into one main.js) are both one level below it.
 */
export const SERVICE_DIR = path.resolve(__dirname, '..');
