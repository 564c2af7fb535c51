export interface AuditEntry {
  id: string;
  actor: string;
  action: string;
  entity: string;
  entityId: string | null;
  label: string | null;
  before: unknown;
  after: unknown;
  ip: string | null;
  at: string;
}
