// The problem a form shows: its message (in the form's alert region) and the field it is about, which is marked
// aria-invalid and, when the problem is found before sending, given the focus.

export class FormProblem<F> {
  message = $state<string | null>(null);
  field = $state<F | null>(null);
  readonly #input: (field: F) => HTMLElement | null | undefined;

  /** `input` finds the control of a field, to move focus to it. */
  constructor(input: (field: F) => HTMLElement | null | undefined) {
    this.#input = input;
  }

  /** A problem with what was typed: says it, marks its field and moves focus there. */
  show(problem: { field: F; message: string }): void {
    this.message = problem.message;
    this.field = problem.field;
    this.#input(problem.field)?.focus();
  }

  clear(): void {
    this.message = null;
    this.field = null;
  }
}
