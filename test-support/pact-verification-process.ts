// Runs a provider verification in a child process. Pact's native verifier prints its report
// straight to file descriptor 1, which jest cannot capture: in-process, every `npm test` would show
// the full report (and the breaking-change test's expected failures, in red). The child's output
// is kept and shown only when an assertion needs it. The timeout stays below jest's 30 s.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { stripVTControlCharacters } from 'node:util';

const ROOT = path.resolve(__dirname, '..');

export interface VerificationResult {
  ok: boolean;
  /** The Verifier's rejection: for a failed verification, Pact's JSON results. */
  error?: string;
  /** All the child wrote (the verifier's report, logs). */
  output: string;
}

export function runVerification(script: string, args: string[] = [], timeoutMs = 25_000): Promise<VerificationResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: ROOT, env: process.env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    let output = '';
    let result: { ok: boolean; error?: string } | undefined;
    const keep = (d: Buffer) => (output = (output + d.toString()).slice(-200_000));
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    child.on('message', (m) => (result = m as typeof result));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (result) resolve({ ...result, output });
      else reject(new Error(`verification process ended (${code ?? signal}) without a result:\n${output.slice(-4000)}`));
    });
  });
}

/** Pact's results (the JSON a failed verification rejects with), or undefined. */
export function pactResults(result: VerificationResult): any {
  try {
    return JSON.parse(result.error ?? '');
  } catch {
    return undefined;
  }
}

/** The verifier's own report, readable: what a failing assertion shows. */
export function report(result: VerificationResult): string {
  const lines = pactResults(result)?.output as string[] | undefined;
  return stripVTControlCharacters(lines ? lines.join('\n') : `${result.error ?? ''}\n${result.output.slice(-4000)}`);
}
