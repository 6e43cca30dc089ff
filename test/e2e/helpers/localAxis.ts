import { type Emulators, startEmulators } from '../../../local/emulators';
import { type LocalAxis, type LocalAxisOptions, startLocalAxis } from '../../../local/runtime';
import { uniquePrefix } from '../../support/testAxis';

export interface RunningAxis {
  readonly axis: LocalAxis;
  /** Handler and poller failures the runtime reported, in order. */
  readonly errors: Array<{ readonly source: string; readonly error: unknown }>;
  stop(): Promise<void>;
}

/**
 * The local runtime in this process, on the emulators the run's global setup
 * started: with their endpoints in process.env, `startEmulators()` starts
 * nothing and hands back those settings, as it does for LocalStack or an
 * account. Resources get a unique prefix and are removed by `stop()`.
 */
export async function startTestRuntime(
  label: string,
  visibilityTimeoutSeconds: number,
  options: Pick<LocalAxisOptions, 'national' | 'scheduleEveryMs'> = {},
): Promise<RunningAxis> {
  const emulators: Emulators = await startEmulators();
  const errors: RunningAxis['errors'] = [];
  let axis: LocalAxis;
  try {
    axis = await startLocalAxis({
      emulators,
      prefix: uniquePrefix(label),
      visibilityTimeoutSeconds,
      ...options,
      onError: (error, source) => errors.push({ source, error }),
    });
  } catch (error) {
    await emulators.stop();
    throw error;
  }
  return {
    axis,
    errors,
    stop: async () => {
      try {
        await axis.stop();
      } finally {
        await emulators.stop();
      }
    },
  };
}
