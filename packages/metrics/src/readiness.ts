/** One dependency `/readyz` checks; `check` rejects (or resolves false) when it is not reachable. */
export interface ReadinessCheck {
  readonly name: string;
  check(): Promise<boolean>;
}

export interface ReadinessResult {
  ready: boolean;
  checks: Record<string, { ok: boolean; error?: string }>;
}

/** How long one check may take before it counts as down (a probe must answer within its timeout). */
export const READINESS_CHECK_TIMEOUT_MS = 2_000;

async function runOne(check: ReadinessCheck): Promise<{ ok: boolean; error?: string }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within ${READINESS_CHECK_TIMEOUT_MS} ms`)),
      READINESS_CHECK_TIMEOUT_MS,
    );
  });
  try {
    const ok = await Promise.race([check.check(), timeout]);
    return ok ? { ok } : { ok, error: 'not ready' };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  } finally {
    clearTimeout(timer);
  }
}

/** Runs every check concurrently; ready when all pass. */
export async function runReadinessChecks(checks: readonly ReadinessCheck[]): Promise<ReadinessResult> {
  const results = await Promise.all(checks.map(async (c) => [c.name, await runOne(c)] as const));
  return { ready: results.every(([, r]) => r.ok), checks: Object.fromEntries(results) };
}
