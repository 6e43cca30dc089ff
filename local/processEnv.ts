/**
 * Puts settings into process.env and returns how to put back what was
 * there, so a runtime or a test leaves the process as it found it.
 */
export function applyToProcessEnv(values: Readonly<Record<string, string>>): () => void {
  const previous = new Map(Object.keys(values).map((name) => [name, process.env[name]]));
  Object.assign(process.env, values);
  return () => {
    for (const [name, value] of previous) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}
