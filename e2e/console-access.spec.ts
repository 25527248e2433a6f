// Linted in typescript-eslint's default project (e2e/*.ts), which under TypeScript 6 loads no @types
import { expect, test } from '@playwright/test';
import { AdminPage } from './admin-page.ts';
import { e2eEnv } from './e2e-env.ts';
import { ownServer, type OwnServer } from './own-server.ts';
import { attachBothThemes } from './screenshots.ts';
import { SignInPage } from './sign-in-page.ts';

const ADMIN_PASSWORD = 'correct horse battery';

test.describe('console: sign-in and admin (auth on)', () => {
  // One private server for the three tests, in order.
  test.describe.configure({ mode: 'serial' });
  test.setTimeout(180_000);
  let server: OwnServer | undefined;

  test.beforeAll(async () => {
    // Sign-in needs the console on the server's own origin (its session cookie): the server serves the build.
    server = await ownServer(e2eEnv().consoleUrl, { APO_AUTH: 'on', APO_ADMIN_PASSWORD: ADMIN_PASSWORD });
    await server.start();
  });

  test.afterAll(async () => {
    await server?.dispose();
  });

  test('asks for sign-in, says what was wrong, then lands where it was going', async ({ page }, testInfo) => {
    const signIn = new SignInPage(page);
    await page.goto(`${server!.url}/#/admin?tab=users`);
    await expect(signIn.form).toBeVisible();
    await attachBothThemes(page, testInfo, 'sign-in');

    await signIn.signIn('admin', 'not the password');
    await expect(signIn.problem).toHaveText('Wrong username or password.');

    await signIn.signIn('admin', ADMIN_PASSWORD);
    await expect(page.getByRole('heading', { level: 2, name: 'Admin' })).toBeVisible();
    await expect(page.getByRole('button', { name: /^Signed in as/ })).toContainText('admin');
    await expect(new AdminPage(page).table('Users')).toContainText('admin');
  });

  test('a throttled sign-in says how long to wait', async ({ page }) => {
    const signIn = new SignInPage(page);
    await page.goto(`${server!.url}/#/sign-in`);
    for (let attempt = 0; attempt < 6; attempt++) {
      await signIn.signIn('mallory', `guess-${attempt}`);
      await expect(signIn.problem).toBeVisible();
    }
    await expect(signIn.problem).toHaveText(/^Too many attempts\. Try again in \d+ s\.$/);
    await expect(signIn.submit).toBeDisabled();
  });

  test('an admin creates a user and an API key (shown once) and sees the sessions', async ({
    page,
  }, testInfo) => {
    const signIn = new SignInPage(page);
    const admin = new AdminPage(page);
    await page.goto(`${server!.url}/#/sign-in?redirect=${encodeURIComponent('/admin?tab=users')}`);
    await signIn.signIn('admin', ADMIN_PASSWORD);

    const create = admin.form('Create a user');
    await create.getByLabel('Username').fill('oncall');
    await create.getByLabel('Display name').fill('On-call engineer');
    await create.getByLabel('Initial password').fill('a long enough password');
    await create.getByRole('button', { name: 'Create user' }).click();
    const row = admin.table('Users').getByRole('row').filter({ hasText: 'oncall' });
    await expect(row).toContainText('On-call engineer');
    await row.getByRole('combobox', { name: 'Role of oncall' }).selectOption('editor');
    await expect(row.getByRole('combobox', { name: 'Role of oncall' })).toHaveValue('editor');
    await attachBothThemes(page, testInfo, 'admin-users');

    await admin.tab('API keys').click();
    const keyForm = admin.form('Create an API key');
    await keyForm.getByLabel(/^Name/).fill('ci-deploy-markers');
    await keyForm.getByRole('button', { name: 'Create key' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Copy this key now' })).toBeVisible();
    await expect(admin.table('API keys')).toContainText('ci-deploy-markers');

    await admin.tab('Sessions').click();
    await expect(
      admin.table('Active sessions').getByRole('row').filter({ hasText: 'admin' }).first(),
    ).toContainText('browser');
    await attachBothThemes(page, testInfo, 'admin-sessions');
  });
});
