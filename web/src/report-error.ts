/**
 * Reports an exception thrown by an application's listener without letting it disturb the
 * caller's loop (other listeners still run): `reportError` where the platform has it (browsers,
 * Workers), otherwise rethrown from a microtask, where it surfaces as an uncaught error.
 */
export function reportListenerError(error: unknown): void {
  const report = (globalThis as { reportError?: (error: unknown) => void }).reportError;
  if (typeof report === 'function') {
    report(error);
    return;
  }
  queueMicrotask(() => {
    throw error;
  });
}
