/**
 * Waits for the demo office that the e2e set-up starts in the background (global-setup.ts):
 * building the web app and loading the demo take minutes of a busy CI machine.
 */
export async function demoOfficeReady(baseURL: string, ms = 280_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try {
      if ((await fetch(`${baseURL}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(
    `the demo office at ${baseURL} did not answer within ${ms / 1000} s (see the e2e set-up's error above)`,
  );
}
