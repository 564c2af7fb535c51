import { Alert, Button, Group, Modal, Stack, type ModalProps } from '@mantine/core';
import { useCallback, useState, type FormEvent, type ReactNode } from 'react';
import { ApiError } from '../api/api-client';

export interface Save {
  /** The last save's failure: its message for the alert, `forField(name)` for the inputs. */
  readonly error: ApiError | null;
  readonly busy: boolean;
  /** Sends one save; `then` runs with its answer, a failure lands in `error`. */
  readonly save: <T>(request: Promise<T>, then: (answer: T) => void) => void;
  /** Forgets the last failure (when the form opens again). */
  readonly reset: () => void;
}

/** The state of a form's save: busy while the request runs, the API's error after a failure. */
export function useSave(): Save {
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const save = useCallback(<T,>(request: Promise<T>, then: (answer: T) => void) => {
    setBusy(true);
    request
      .then(
        (answer) => {
          setError(null);
          then(answer);
        },
        (err: unknown) => setError(err instanceof ApiError ? err : new ApiError(0, String(err))),
      )
      .finally(() => setBusy(false));
  }, []);
  const reset = useCallback(() => setError(null), []);
  return { error, busy, save, reset };
}

export interface FormModalProps {
  readonly opened: boolean;
  readonly onClose: () => void;
  readonly title: string;
  readonly size?: ModalProps['size'];
  /** Editing an existing item (button "Save") or creating one ("Create"). */
  readonly editing: boolean;
  readonly state: Pick<Save, 'error' | 'busy'>;
  readonly onSubmit: () => void;
  readonly children: ReactNode;
}

/** A create/edit dialog: the save's error on top, the fields, then Cancel and Create/Save. */
export function FormModal(props: FormModalProps) {
  const submit = (event: FormEvent) => {
    event.preventDefault();
    props.onSubmit();
  };
  return (
    <Modal opened={props.opened} onClose={props.onClose} title={props.title} centered size={props.size}>
      <form onSubmit={submit} noValidate>
        <Stack>
          {props.state.error ? (
            <Alert color="red" role="alert">
              {props.state.error.message}
            </Alert>
          ) : null}
          {props.children}
          <Group justify="flex-end">
            <Button variant="default" onClick={props.onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={props.state.busy}>
              {props.editing ? 'Save' : 'Create'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
