/**
 * The axis's health check: each component (a table, a queue, the bucket,
 * the signing key) is asked one cheap describe-level question. Answers name
 * components and say ok or failing, nothing more: no ARNs, no error text.
 */

/** One component the health check asks about. */
export interface HealthProbe {
  /** A stable, non-secret name such as `table:exchange` or `queue:route`. */
  readonly component: string;
  /** Resolves when the component answers as expected; throws otherwise. */
  check(): Promise<void>;
}

export type ComponentState = 'ok' | 'failing';

export interface HealthReport {
  readonly status: ComponentState;
  readonly checkedAt: string;
  readonly components: readonly { readonly name: string; readonly status: ComponentState }[];
}

/** Enough for one slow answer; a probe that takes longer counts as failing. */
const PROBE_TIMEOUT_MS = 3_000;

/**
 * Asks every probe at once and reports each one's state. A probe's error is
 * returned separately for the log, never in the report itself.
 */
export async function checkHealth(
  probes: readonly HealthProbe[],
  now: () => Date = () => new Date(),
): Promise<{ report: HealthReport; failures: { name: string; error: string }[] }> {
  const results = await Promise.all(
    probes.map(async (probe) => {
      try {
        await withTimeout(probe.check(), PROBE_TIMEOUT_MS);
        return { name: probe.component, status: 'ok' as const };
      } catch (error) {
        const reason = error instanceof Error ? `${error.name}: ${error.message}` : 'unknown';
        return { name: probe.component, status: 'failing' as const, error: reason };
      }
    }),
  );
  const failing = results.filter((result) => result.status === 'failing');
  return {
    report: {
      status: failing.length === 0 ? 'ok' : 'failing',
      checkedAt: now().toISOString(),
      components: results.map(({ name, status }) => ({ name, status })),
    },
    failures: failing.map(({ name, error }) => ({ name, error: (error ?? '').slice(0, 200) })),
  };
}

/**
 * Keeps a report for a short while, so a public endpoint polled by monitors
 * (or by anyone) costs at most one round of AWS calls per interval per warm
 * function. Concurrent callers during a check share the one in flight.
 */
export class CachedHealth {
  private cached?: { report: HealthReport; until: number };
  private inFlight?: Promise<HealthReport>;

  constructor(
    private readonly run: () => Promise<HealthReport>,
    private readonly ttlMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  /** The last report while it is fresh, or a new one. */
  async current(): Promise<HealthReport> {
    if (this.cached && this.clock() < this.cached.until) return this.cached.report;
    this.inFlight ??= this.run()
      .then((report) => {
        this.cached = { report, until: this.clock() + this.ttlMs };
        return report;
      })
      .finally(() => {
        this.inFlight = undefined;
      });
    return this.inFlight;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
