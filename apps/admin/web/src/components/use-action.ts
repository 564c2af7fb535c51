import { useCallback, useState } from 'react';

export interface Action {
  /** Runs a change (a POST, PATCH or DELETE): on success the error goes and `onDone` runs. */
  act: (change: Promise<unknown>) => void;
  /** Why the last change failed (for the page's ErrorAlert); null after a success. */
  error: Error | null;
}

/** A page's changes to the rows it lists: one error for all of them, `onDone` (reload) after each. */
export function useAction(onDone: () => void): Action {
  const [error, setError] = useState<Error | null>(null);
  const act = useCallback(
    (change: Promise<unknown>) =>
      void change.then(
        () => {
          setError(null);
          onDone();
        },
        (err: unknown) => setError(err instanceof Error ? err : new Error(String(err))),
      ),
    [onDone],
  );
  return { act, error };
}
