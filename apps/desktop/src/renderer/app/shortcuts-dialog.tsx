import * as Dialog from '@radix-ui/react-dialog';

const SHORTCUTS: readonly [keys: string, action: string][] = [
  ['Ctrl/⌘ K', 'Open the command palette'],
  ['/', 'Focus the search or filter box'],
  ['j / ↓', 'Next row'],
  ['k / ↑', 'Previous row'],
  ['Enter', 'Open the selected row'],
  ['→ / ←', 'Expand / collapse the selected row'],
  ['Esc', 'Close a dialog, menu or popover'],
  ['?', 'Show this list'],
];

/** The `?` dialog: every global key and what it does. */
export function ShortcutsDialog({
  open,
  onOpenChange,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  return (
    <Dialog.Root open={open} onOpenChange={onOpenChange}>
      <Dialog.Portal>
        <Dialog.Overlay className="dialog-overlay" />
        <Dialog.Content className="dialog" aria-describedby={undefined}>
          <Dialog.Title>Keyboard shortcuts</Dialog.Title>
          <table className="shortcuts">
            <tbody>
              {SHORTCUTS.map(([keys, action]) => (
                <tr key={keys}>
                  <th scope="row">
                    <kbd>{keys}</kbd>
                  </th>
                  <td>{action}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Dialog.Close className="button">Close</Dialog.Close>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
