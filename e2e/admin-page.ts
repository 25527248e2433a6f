import type { Locator, Page } from '@playwright/test';

/** Admin: users, API keys, sessions, server. */
export class AdminPage {
  readonly page: Page;

  constructor(page: Page) {
    this.page = page;
  }

  tab(name: 'Users' | 'API keys' | 'Sessions' | 'Server'): Locator {
    return this.page.getByRole('tab', { name });
  }

  table(name: 'Users' | 'API keys' | 'Active sessions'): Locator {
    return this.page.getByRole('table', { name });
  }

  form(name: 'Create a user' | 'Create an API key'): Locator {
    return this.page.getByRole('form', { name });
  }
}
