import { Button, Group, Stack, Table, Title } from '@mantine/core';
import { useState, type ReactNode } from 'react';
import { api } from '../api/api-client';
import { ScrollTable } from './scroll-table';
import { useCanChange } from './session-context';
import { EmptyView, ErrorAlert, LoadingView } from './status-views';
import { useAction } from './use-action';
import { useApiData } from './use-api-data';

export interface ResourceColumn<T> {
  readonly header: string;
  readonly cell: (item: T) => ReactNode;
}

/** What a page's create/edit modal is given: `editing` null means "new". */
export interface ResourceFormProps<T> {
  readonly opened: boolean;
  readonly editing: T | null;
  readonly onClose: () => void;
  readonly onSaved: () => void;
  /** Something the form changed at once (an upload) while it stays open: the list reloads. */
  readonly onChanged: () => void;
}

export interface ResourceListPageProps<T extends { id: string }> {
  readonly title: string;
  /** The collection's API path: GET lists `{ items }`, DELETE `<path>/<id>` removes one. */
  readonly path: string;
  /** Test id of the table (e.g. `trunks-table`). */
  readonly tableTestId: string;
  readonly newLabel: string;
  /** How one item is named in buttons and the delete question, e.g. `ring group 600`. */
  readonly noun: string;
  readonly label: (item: T) => string;
  readonly intro?: ReactNode;
  readonly emptyTitle: string;
  readonly emptyText: ReactNode;
  readonly minWidth: number;
  readonly columns: readonly ResourceColumn<T>[];
  /** An error of data the page loads besides the list (shown in the same alert). */
  readonly otherError?: Error | null;
  readonly renderForm: (form: ResourceFormProps<T>) => ReactNode;
}

/**
 * A page that lists one kind of configuration (trunks, ring groups, conference rooms…) with New, Edit
 * and Delete for those who may change it; cells are React nodes, so everything shown is escaped.
 */
export function ResourceListPage<T extends { id: string }>(props: ResourceListPageProps<T>) {
  const list = useApiData<{ items: T[] }>(props.path);
  const [form, setForm] = useState<{ opened: boolean; editing: T | null }>({ opened: false, editing: null });
  const { act, error: actionError } = useAction(list.reload);
  const canChange = useCanChange();

  const remove = (item: T) => {
    if (!window.confirm(`Delete ${props.noun} ${props.label(item)}?`)) return;
    act(api('DELETE', `${props.path}/${encodeURIComponent(item.id)}`));
  };

  const items = list.data?.items ?? [];
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1} size="h2">
          {props.title}
        </Title>
        {canChange ? (
          <Button onClick={() => setForm({ opened: true, editing: null })}>{props.newLabel}</Button>
        ) : null}
      </Group>
      {props.intro}
      <ErrorAlert error={list.error ?? props.otherError ?? actionError} />
      {list.loading && !list.data ? <LoadingView /> : null}
      {list.data && items.length === 0 ? (
        <EmptyView title={props.emptyTitle}>{props.emptyText}</EmptyView>
      ) : null}
      {items.length > 0 ? (
        <ScrollTable minWidth={props.minWidth}>
          <Table striped data-testid={props.tableTestId}>
            <Table.Thead>
              <Table.Tr>
                {props.columns.map((c) => (
                  <Table.Th key={c.header}>{c.header}</Table.Th>
                ))}
                {canChange ? <Table.Th /> : null}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((item) => (
                <Table.Tr key={item.id}>
                  {props.columns.map((c) => (
                    <Table.Td key={c.header}>{c.cell(item)}</Table.Td>
                  ))}
                  {canChange ? (
                    <Table.Td>
                      <Group gap={4} wrap="nowrap">
                        <Button
                          size="xs"
                          variant="subtle"
                          aria-label={`Edit ${props.label(item)}`}
                          onClick={() => setForm({ opened: true, editing: item })}
                        >
                          Edit
                        </Button>
                        <Button
                          size="xs"
                          variant="subtle"
                          color="red"
                          aria-label={`Delete ${props.label(item)}`}
                          onClick={() => remove(item)}
                        >
                          Delete
                        </Button>
                      </Group>
                    </Table.Td>
                  ) : null}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollTable>
      ) : null}
      {props.renderForm({
        opened: form.opened,
        editing: form.editing,
        onClose: () => setForm({ opened: false, editing: null }),
        onSaved: () => {
          setForm({ opened: false, editing: null });
          list.reload();
        },
        onChanged: list.reload,
      })}
    </Stack>
  );
}
