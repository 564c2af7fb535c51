import {
  adminUserViewSchema,
  changePasswordSchema,
  createAdminUserSchema,
  loginSchema,
  updateAdminUserSchema,
} from '../../auth/admin-user.schemas.js';
import { createApiTokenSchema } from '../../auth/api-token.schemas.js';
import { list, type Operation } from '../openapi-operation.js';

/** Log-in sessions, API tokens and admin users. */
export const authOperations: Operation[] = [
  {
    method: 'post',
    path: '/api/auth/login',
    tag: 'auth',
    summary: 'Log in; sets the session cookie and returns the CSRF token',
    body: loginSchema,
    public: true,
  },
  { method: 'get', path: '/api/auth/session', tag: 'auth', summary: 'Current user and CSRF token' },
  { method: 'post', path: '/api/auth/logout', tag: 'auth', summary: 'End the session', status: 204 },
  {
    method: 'post',
    path: '/api/auth/password',
    tag: 'auth',
    summary: 'Change own password',
    body: changePasswordSchema,
    status: 204,
  },
  { method: 'get', path: '/api/tokens', tag: 'auth', summary: 'API tokens (never the tokens themselves)' },
  {
    method: 'post',
    path: '/api/tokens',
    tag: 'auth',
    summary: 'Create an API token; the token is in this response only (session login required)',
    body: createApiTokenSchema,
    status: 201,
  },
  { method: 'delete', path: '/api/tokens/{id}', tag: 'auth', summary: 'Revoke an API token', status: 204 },
  {
    method: 'get',
    path: '/api/admin-users',
    tag: 'admin users',
    summary: 'Users of the admin app with their role (admin, read_only) and state',
    response: list(adminUserViewSchema),
  },
  {
    method: 'post',
    path: '/api/admin-users',
    tag: 'admin users',
    summary: 'Create a user; its one-time password is in this response only (changed at first login)',
    body: createAdminUserSchema,
    status: 201,
  },
  {
    method: 'patch',
    path: '/api/admin-users/{id}',
    tag: 'admin users',
    summary:
      'Change the role and/or disable (logs the user out, its tokens stop) or enable; 409 for the last enabled admin or your own account',
    body: updateAdminUserSchema,
    response: adminUserViewSchema,
  },
  {
    method: 'post',
    path: '/api/admin-users/{id}/reset-password',
    tag: 'admin users',
    summary: 'New one-time password (shown once), lock-out cleared, every session of the user ended',
  },
];
