export type AdminRole = 'admin' | 'read_only';

export interface Session {
  username: string;
  role: AdminRole;
  csrfToken: string;
  mustChangePassword: boolean;
}

export interface AdminUser {
  id: string;
  username: string;
  role: AdminRole;
  disabled: boolean;
  mustChangePassword: boolean;
  locked: boolean;
  lastLoginAt: string | null;
  createdAt: string;
}

export interface ApiToken {
  id: string;
  name: string;
  prefix: string;
  scope: 'read_only' | 'full';
  createdBy: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}
