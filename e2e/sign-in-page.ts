import type { Locator, Page } from '@playwright/test';

/** The sign-in form. */
export class SignInPage {
  readonly form: Locator;
  readonly username: Locator;
  readonly password: Locator;
  readonly submit: Locator;
  readonly problem: Locator;

  constructor(page: Page) {
    this.form = page.getByRole('form', { name: 'Sign in to APO' });
    this.username = this.form.getByLabel('Username');
    this.password = this.form.getByLabel('Password');
    this.submit = this.form.getByRole('button', { name: /^Sign(ing)? in/ });
    this.problem = this.form.getByRole('alert');
  }

  async signIn(username: string, password: string): Promise<void> {
    await this.username.fill(username);
    await this.password.fill(password);
    await this.submit.click();
  }
}
