// Linted in typescript-eslint's default project (e2e/*.ts), which under TypeScript 6 loads no @types
import { expect, test } from '@playwright/test';
import { e2eEnv } from './e2e-env.ts';
import { InvestigatePage } from './investigate-page.ts';
import { OverviewPage } from './overview-page.ts';
import { attachBothThemes } from './screenshots.ts';
import { ownServer, type OwnServer } from './own-server.ts';
import { INCIDENT, seedIncident } from './seed/incident-seed.ts';
import { ShellPage } from './shell-page.ts';

interface Hypothesis {
  rank: number;
  kind: string;
  service: string;
  target?: string;
  confidence: number;
  evidence: { type: string; title: string; baseline?: number | null }[];
}
interface RunResult {
  id: string;
  onsetMs: number | null;
  hypotheses: Hypothesis[];
}

/** A tRPC call as the console makes it (superjson envelope), failing loudly with the server's answer. */
async function trpc<T>(
  serverUrl: string,
  path: string,
  input: unknown,
  method: 'GET' | 'POST' = 'GET',
): Promise<T> {
  const envelope = JSON.stringify({ json: input });
  const res =
    method === 'GET'
      ? await fetch(`${serverUrl}/trpc/${path}?input=${encodeURIComponent(envelope)}`)
      : await fetch(`${serverUrl}/trpc/${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: envelope,
        });
  const text = await res.text();
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${text}`);
  return (JSON.parse(text) as { result: { data: { json: T } } }).result.data.json;
}

// Its own server: the incident adds services, and the shared server's overview specs count them.
let server: OwnServer;
let incident: { startMs: number; onsetMs: number; endMs: number };

test.beforeAll(async () => {
  test.setTimeout(180_000);
  server = await ownServer(e2eEnv().consoleUrl);
  await server.start();
  incident = await seedIncident(server.url);
});

test.afterAll(async () => {
  await server.dispose();
});

const incidentRange = () => ({ ...incident, from: incident.startMs, to: incident.endMs });

test.describe.configure({ mode: 'serial' });

test.describe('console: the troubleshooting wizard', () => {
  test('the engine names the seeded cause first (the seed is what the wizard spec relies on)', async () => {
    const serverUrl = server.url;
    const { from, to, onsetMs } = incidentRange();
    const result = await trpc<RunResult>(serverUrl, 'investigations.run', {
      from,
      to,
      service: INCIDENT.symptom,
    });
    expect(result.onsetMs).toBe(onsetMs);
    expect(result.hypotheses[0]).toMatchObject({
      rank: 1,
      kind: INCIDENT.kind,
      service: INCIDENT.cause,
      target: INCIDENT.target,
    });
    expect(result.hypotheses[0]?.confidence).toBeGreaterThan(0.8);
  });

  test('from the degraded service on the overview, walks impact → timeline → dependencies → hypotheses, confirms, saves and reopens', async ({
    page,
  }, testInfo) => {
    const { consoleUrl } = e2eEnv();
    const serverUrl = server.url;
    const { startMs, onsetMs } = incidentRange();
    const shell = new ShellPage(page);
    const overview = new OverviewPage(page);
    const wizard = new InvestigatePage(page);

    await shell.open(consoleUrl, '/?from=now-1h&to=now', serverUrl);
    await expect(overview.rows()).toHaveCount(2);
    await expect.poll(() => overview.serviceNames()).toEqual([INCIDENT.symptom, INCIDENT.cause]);
    await expect(overview.healthBadge(INCIDENT.symptom)).toHaveAccessibleName(/^Health: Critical/);
    await overview
      .row(INCIDENT.symptom)
      .getByRole('link', { name: `Investigate ${INCIDENT.symptom}` })
      .click();

    // "Last hour" is pinned to absolute ends first: the link then reruns the same window, whoever opens it.
    await expect.poll(() => shell.viewUrl().searchParams.get('from')).toMatch(/^\d+$/);
    const url = shell.viewUrl();
    expect([url.pathname, url.searchParams.get('service')]).toEqual(['/investigate', INCIDENT.symptom]);
    const from = Number(url.searchParams.get('from'));
    const to = Number(url.searchParams.get('to'));
    expect(to - from).toBe(3_600_000);
    const expected = await trpc<RunResult>(serverUrl, 'investigations.run', {
      from,
      to,
      service: INCIDENT.symptom,
    });
    const top = expected.hypotheses[0];
    if (top === undefined) throw new Error('the engine found no hypothesis on the seeded incident');
    await expect(wizard.answer).toContainText(
      `Most likely: slow database in ${INCIDENT.cause} → ${INCIDENT.target} (high confidence, ${top.confidence.toFixed(2)})`,
    );

    // 1. Impact: the seeded endpoint degraded since the onset, the health check did not.
    await expect(wizard.why()).toContainText(`1 of 2 endpoints of ${INCIDENT.symptom} degraded`);
    const rows = await wizard.impactRows();
    expect(rows.map((r) => [r[0], r[4]])).toEqual([
      [
        `${INCIDENT.symptomEndpoint}degraded`,
        new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit' }).format(onsetMs),
      ],
      ['GET /shop/health', '—'],
    ]);

    // 2. Timeline: p90 latency jumps at the onset on the shared axis; the error logs start there.
    await wizard.goToStep('Timeline');
    await expect(wizard.why()).toContainText('The onset is');
    const p90 = (await wizard.drawn(`p90 latency of ${INCIDENT.symptom}`)).p90 ?? [];
    const at = (t: number) => p90.find(([ms]) => ms === t)?.[1] ?? null;
    expect(at(onsetMs - 60_000)).toBeLessThanOrEqual(25);
    expect(at(onsetMs)).toBeGreaterThan(250);
    const logs = (await wizard.drawn(`Log errors of ${INCIDENT.symptom}`))['error logs / min'] ?? [];
    // 0 in the seeded minutes before the onset, 2 a minute from it; nothing before or after the seed.
    expect(logs.filter(([, v]) => v !== null)).toEqual(
      Array.from({ length: 40 }, (_, i) => [startMs + i * 60_000, startMs + i * 60_000 < onsetMs ? 0 : 2]),
    );

    await attachBothThemes(page, testInfo, 'investigate-timeline');

    // 3. Dependencies: billing moves like the symptom.
    await wizard.goToStep('Dependencies');
    await expect(wizard.dependencyRows().first()).toContainText(INCIDENT.cause);
    await expect(wizard.why()).toContainText(`${INCIDENT.cause}'s latency / error curve moves most like`);

    // 4. Hypotheses: the seeded cause first, its confidence shown, its ledger-latency series drawn.
    await wizard.goToStep('Hypotheses');
    const first = wizard.hypothesis(1);
    await expect(first).toHaveAccessibleName(`Hypothesis 1: ${INCIDENT.kind} in ${INCIDENT.cause}`);
    await expect(first.locator('.confidence')).toContainText(`${top.confidence.toFixed(2)} high`);
    await expect(first).toContainText(`target${INCIDENT.target}`);
    const series = (await wizard.drawn(`${INCIDENT.cause} → ${INCIDENT.target} latency`))[
      `${INCIDENT.cause} → ${INCIDENT.target} latency`
    ];
    const before = (series ?? []).filter(([t, v]) => t < onsetMs && v !== null).map(([, v]) => v ?? 0);
    const after = (series ?? []).filter(([t, v]) => t >= onsetMs && v !== null).map(([, v]) => v ?? 0);
    expect(before.length).toBe(30);
    expect(Math.max(...before)).toBeLessThan(INCIDENT.dbBeforeMs * 1.06);
    expect(Math.min(...after)).toBeGreaterThan(INCIDENT.dbAfterMs * 0.94);
    await expect(first.getByRole('link', { name: /^1c1d/ }).first()).toBeVisible();
    await attachBothThemes(page, testInfo, 'investigate-cause');

    // Confirm: stored with the engine's figures, read back through the API.
    await wizard.confirm(1, 'ledger index dropped by the 14:02 migration');
    await expect(first.getByRole('status')).toHaveText(
      /Confirmed: “ledger index dropped by the 14:02 migration” — stored/,
    );
    const investigationId = await wizard.investigationId();
    const stored = await trpc<{ verdict: string; kind: string; service: string; note: string }[]>(
      serverUrl,
      'investigations.feedbackOf',
      { investigationId },
    );
    expect(stored.map((f) => [f.verdict, f.kind, f.service, f.note])).toEqual([
      ['confirm', INCIDENT.kind, INCIDENT.cause, 'ledger index dropped by the 14:02 migration'],
    ]);

    // 5. Save, then reopen from the list: the same hypotheses, from the saved copy.
    const names = await wizard.hypothesisNames();
    expect(names[0]).toBe(`Hypothesis 1: ${INCIDENT.kind} in ${INCIDENT.cause}`);
    await wizard.goToStep('Save');
    const title = `Slow orders ${testInfo.workerIndex}-${Date.now()}`;
    await wizard.save(title, 'Rolled the migration back at 14:40.');
    await expect(page.getByText('Saved. It is listed under “Saved investigations”.')).toBeVisible();
    await wizard.savedList.getByRole('link', { name: title }).click();
    await expect.poll(() => shell.viewUrl().searchParams.get('saved')).not.toBeNull();
    await expect(wizard.answer).toContainText(`slow database in ${INCIDENT.cause}`);
    await wizard.openStep('Hypotheses');
    await expect.poll(() => wizard.hypothesisNames()).toEqual(names);
    await expect(wizard.hypothesis(1)).toContainText(
      'Confirmed: “ledger index dropped by the 14:02 migration”',
    );
    const savedId = shell.viewUrl().searchParams.get('saved') ?? '';
    const saved = await trpc<{ title: string; notes: string; result: RunResult }>(
      serverUrl,
      'investigations.get',
      {
        id: savedId,
      },
    );
    expect([saved.title, saved.notes, saved.result.hypotheses.map((h) => h.kind)]).toEqual([
      title,
      'Rolled the migration back at 14:40.',
      expected.hypotheses.map((h) => h.kind),
    ]);
  });

  test('from a trace: where its time went, then the investigation of its entry service around it', async ({
    page,
  }) => {
    const { consoleUrl } = e2eEnv();
    const shell = new ShellPage(page);
    const wizard = new InvestigatePage(page);
    // An order a minute after the onset (incident-seed.ts: trace ids carry their minute).
    const traceId = `1c1d0031${'0'.repeat(24)}`;
    await shell.open(consoleUrl, `/traces/${traceId}`, server.url);
    await page.getByRole('link', { name: '⌕ Investigate' }).click();
    const cause = page.getByRole('region', { name: 'Trace root cause' });
    await expect(cause).toContainText(`Its time is spent in ${INCIDENT.cause} (POST /charge)`);
    await expect.poll(() => shell.viewUrl().searchParams.get('service')).toBe(INCIDENT.symptom);
    const url = shell.viewUrl();
    const traceStart = incident.startMs + 31 * 60_000 + 20_000;
    expect(Number(url.searchParams.get('from'))).toBe(
      Math.floor((traceStart - 30 * 60_000) / 60_000) * 60_000,
    );
    await expect(wizard.answer).toContainText(`Most likely: slow database in ${INCIDENT.cause}`);
  });

  test('from a service page with an endpoint selected: that endpoint is investigated', async ({ page }) => {
    const { consoleUrl } = e2eEnv();
    const shell = new ShellPage(page);
    const wizard = new InvestigatePage(page);
    const endpoint = encodeURIComponent(INCIDENT.symptomEndpoint);
    await shell.open(
      consoleUrl,
      `/services/${INCIDENT.symptom}?endpoint=${endpoint}&from=now-1h&to=now`,
      server.url,
    );
    await page
      .getByRole('link', { name: `Investigate ${INCIDENT.symptom} ${INCIDENT.symptomEndpoint}` })
      .click();
    await expect.poll(() => shell.viewUrl().searchParams.get('endpoint')).toBe(INCIDENT.symptomEndpoint);
    await expect(wizard.answer).toContainText(`Most likely: slow database in ${INCIDENT.cause}`);
    await expect(wizard.why()).toContainText(`1 of 1 endpoint of ${INCIDENT.symptom} degraded`);
  });

  test('nothing abnormal reads as a calm answer, not an empty table', async ({ page }, testInfo) => {
    const { consoleUrl } = e2eEnv();
    const serverUrl = server.url;
    const shell = new ShellPage(page);
    const wizard = new InvestigatePage(page);
    const { startMs, onsetMs } = incidentRange();
    // The run is held until its progress has been seen: a long run says what it does and for how long.
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route(
      (url) => url.pathname.includes('investigations.run'),
      async (route) => {
        await held;
        await route.continue();
      },
    );
    // The incident's quiet first 25 minutes: traffic, no fault.
    await shell.open(
      consoleUrl,
      `/investigate?service=${INCIDENT.symptom}&from=${startMs}&to=${onsetMs - 5 * 60_000}`,
      serverUrl,
    );
    await expect(wizard.progress).toContainText(/Investigating storefront… \d+ s/);
    release();
    await expect(wizard.answer).toContainText('Nothing abnormal: no service’s latency or error rate moved');
    await expect(wizard.why()).toContainText(
      `${INCIDENT.symptom}'s 2 endpoints kept their latency and error rate`,
    );
    await wizard.openStep('Hypotheses');
    const confident = await wizard
      .hypotheses()
      .evaluateAll((list) =>
        list.filter(
          (a) =>
            Number(a.querySelector('[aria-label^="confidence "]')?.getAttribute('aria-label')?.slice(11)) >
            0.5,
        ),
      );
    expect(confident).toEqual([]);
    await wizard.openStep('Impact');
    await attachBothThemes(page, testInfo, 'investigate-calm');
  });

  test('an investigation the server refuses shows its reason with a Retry', async ({ page }, testInfo) => {
    const { consoleUrl } = e2eEnv();
    const serverUrl = server.url;
    const shell = new ShellPage(page);
    const wizard = new InvestigatePage(page);
    await shell.open(consoleUrl, `/investigate?service=${INCIDENT.symptom}&from=now-2d&to=now`, serverUrl);
    await expect(wizard.problem).toContainText('an investigation covers at most 24 h; got 48 h');
    await expect(wizard.problem.getByRole('button', { name: 'Retry' })).toBeEnabled();
    await attachBothThemes(page, testInfo, 'investigate-error');
  });
});
