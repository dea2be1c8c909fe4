/**
 * What every modal <dialog> here does with its `open` prop: shows itself as a modal when it turns true, closes
 * when it turns false, and on closing sends focus back to what had it before. One per dialog component:
 *
 *     const modal = new Modal();
 *     $effect(() => modal.sync(dialog, open, { opening: reset, opened: () => closeButton?.focus() }));
 *     function onDialogClose(): void { …; onclose(); modal.returnFocus(); }
 */
export class Modal {
  #returnTo: HTMLElement | null = null;

  /**
   * Call from an $effect: shows or closes `dialog` to match `open`. `opening` runs just before it is shown (reset
   * what the last visit left), `opened` just after (move focus in). Both run inside the effect, as they did there.
   */
  sync(dialog: HTMLDialogElement | undefined, open: boolean, hooks: { opening?: () => void; opened: () => void }): void {
    if (!dialog) return;
    if (open && !dialog.open) {
      this.#returnTo = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      hooks.opening?.();
      dialog.showModal();
      hooks.opened();
    } else if (!open && dialog.open) {
      dialog.close();
    }
  }

  /** From the dialog's close event, after its own clean-up: focus goes back where it was when the dialog opened. */
  returnFocus(): void {
    this.#returnTo?.focus();
    this.#returnTo = null;
  }
}
