import type { Locator, Page } from '@playwright/test';

type StepTitle = 'Impact' | 'Timeline' | 'Dependencies' | 'Hypotheses' | 'Save';
type DrawnSeries = Record<string, [number, number | null][]>;

/** The troubleshooting wizard (/investigate): the answer, the steps, hypotheses, saving. */
export class InvestigatePage {
  readonly page: Page;
  readonly answer: Locator;
  readonly progress: Locator;
  readonly problem: Locator;
  readonly savedList: Locator;

  constructor(page: Page) {
    this.page = page;
    this.answer = page.getByRole('status', { name: 'Answer' });
    this.progress = page.getByRole('status', { name: 'Investigating' });
    this.problem = page.getByRole('alert');
    this.savedList = page.getByRole('region', { name: 'Saved investigations' });
  }

  /** The open step's panel ("Step 1: Impact"). */
  stepPanel(): Locator {
    return this.page.getByRole('region', { name: /^Step \d: / });
  }

  /** Next → to the following step, as a user walks the wizard. */
  async goToStep(title: StepTitle): Promise<void> {
    await this.page.getByRole('button', { name: new RegExp(`^Next: ${title}`) }).click();
    await this.page.getByRole('region', { name: new RegExp(`^Step \\d: ${title}$`) }).waitFor();
  }

  /** Jumps to a step from the step list. */
  async openStep(title: StepTitle): Promise<void> {
    await this.page
      .getByRole('list', { name: 'Investigation steps' })
      .getByRole('button', { name: new RegExp(`${title}$`) })
      .click();
    await this.page.getByRole('region', { name: new RegExp(`^Step \\d: ${title}$`) }).waitFor();
  }

  /** Why the open step concluded what it did (its first "Why:" paragraph). */
  why(): Locator {
    return this.stepPanel().locator('.why').first();
  }

  /** The impact step's table rows: [endpoint text, latency, errors, since]. */
  async impactRows(): Promise<string[][]> {
    const rows = this.page.getByRole('table', { name: 'Endpoints impact' }).locator('tbody tr');
    return rows.evaluateAll((trs) =>
      trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent.trim())),
    );
  }

  /** What a chart in the open step drew, found by its label. */
  async drawn(label: string | RegExp): Promise<DrawnSeries> {
    const text = await this.stepPanel().getByRole('img', { name: label }).first().getAttribute('data-series');
    return JSON.parse(text ?? '{}') as DrawnSeries;
  }

  dependencyRows(): Locator {
    return this.page.getByRole('table', { name: 'Ranked dependencies' }).locator('tbody tr');
  }

  hypotheses(): Locator {
    return this.page.getByRole('article', { name: /^Hypothesis \d+:/ });
  }

  hypothesis(rank: number): Locator {
    return this.page.getByRole('article', { name: new RegExp(`^Hypothesis ${rank}:`) });
  }

  async hypothesisNames(): Promise<string[]> {
    return this.hypotheses().evaluateAll((list) => list.map((a) => a.getAttribute('aria-label') ?? ''));
  }

  async confirm(rank: number, note: string): Promise<void> {
    const card = this.hypothesis(rank);
    await card.getByRole('textbox', { name: `Note on hypothesis ${rank}` }).fill(note);
    await card.getByRole('button', { name: '✓ Confirm' }).click();
  }

  /** The run's id, for reading its feedback back through the API. */
  async investigationId(): Promise<string> {
    return (await this.page.locator('.wizard').getAttribute('data-investigation-id')) ?? '';
  }

  async save(title: string, notes: string): Promise<void> {
    const form = this.page.getByRole('form', { name: 'Save the investigation' });
    await form.getByRole('textbox', { name: 'Title' }).fill(title);
    await form.getByRole('textbox', { name: 'Notes' }).fill(notes);
    await form.getByRole('button', { name: 'Save investigation' }).click();
  }
}
