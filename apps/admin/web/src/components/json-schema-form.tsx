import { JsonInput, NumberInput, Select, Stack, Switch, TextInput } from '@mantine/core';

interface PropertySchema {
  type?: string | string[];
  enum?: unknown[];
  title?: string;
  description?: string;
  default?: unknown;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function typeOf(s: PropertySchema): string | undefined {
  return Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
}

/**
 * A form for a plugin's configuration, derived from its JSON Schema: one field per top-level
 * property (text, number, switch or select); anything more complex is edited as JSON.
 */
export function JsonSchemaForm(props: {
  schema: Record<string, unknown>;
  value: Record<string, unknown>;
  onChange: (value: Record<string, unknown>) => void;
  errors: Record<string, string | undefined>;
}) {
  const properties = isRecord(props.schema.properties) ? props.schema.properties : {};
  const set = (key: string, v: unknown) => props.onChange({ ...props.value, [key]: v });
  return (
    <Stack>
      {Object.entries(properties).map(([key, raw]) => {
        const s = (isRecord(raw) ? raw : {}) as PropertySchema;
        const label = s.title ?? key;
        const current = props.value[key] ?? s.default;
        const error = props.errors[`config.${key}`];
        if (s.enum) {
          return (
            <Select
              key={key}
              label={label}
              description={s.description}
              error={error}
              clearable
              data={s.enum.map((e) => ({
                value: JSON.stringify(e),
                label: typeof e === 'string' ? e : JSON.stringify(e),
              }))}
              value={current === undefined ? null : JSON.stringify(current)}
              onChange={(v) =>
                set(key, v === null ? undefined : s.enum?.find((e) => JSON.stringify(e) === v))
              }
            />
          );
        }
        switch (typeOf(s)) {
          case 'boolean':
            return (
              <Switch
                key={key}
                label={label}
                description={s.description}
                error={error}
                checked={current === true}
                onChange={(e) => set(key, e.currentTarget.checked)}
              />
            );
          case 'integer':
          case 'number':
            return (
              <NumberInput
                key={key}
                label={label}
                description={s.description}
                error={error}
                allowDecimal={typeOf(s) === 'number'}
                value={typeof current === 'number' ? current : ''}
                onChange={(v) => set(key, v === '' ? undefined : Number(v))}
              />
            );
          case 'string':
            return (
              <TextInput
                key={key}
                label={label}
                description={s.description}
                error={error}
                value={typeof current === 'string' ? current : ''}
                onChange={(e) => set(key, e.currentTarget.value)}
              />
            );
          default:
            return (
              <JsonInput
                key={key}
                label={`${label} (JSON)`}
                description={s.description}
                error={error}
                autosize
                minRows={2}
                defaultValue={current === undefined ? '' : JSON.stringify(current, null, 2)}
                onBlur={(e) => {
                  try {
                    set(
                      key,
                      e.currentTarget.value.trim()
                        ? (JSON.parse(e.currentTarget.value) as unknown)
                        : undefined,
                    );
                  } catch {
                    // keep the last valid value; the server reports the field
                  }
                }}
              />
            );
        }
      })}
    </Stack>
  );
}
