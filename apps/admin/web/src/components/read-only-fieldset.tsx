import type { ReactNode } from 'react';
import { useCanChange } from './session-context';

/** Disables every input inside for a read-only user (it sees the values, cannot edit them). */
export function ReadOnlyFieldset({ children }: { children: ReactNode }) {
  const canChange = useCanChange();
  return (
    <fieldset disabled={!canChange} style={{ border: 0, padding: 0, margin: 0, minWidth: 0 }}>
      {children}
    </fieldset>
  );
}
