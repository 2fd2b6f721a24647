import { UserCreateBody, UserCreated, UserJson, UserListQuery, UserPage, UserParams, UserPatchBody } from '../../admin/user-schemas'
import type { Operation } from '../operation'

const tag = 'Users'

export const operations: Operation[] = [
  { method: 'get', path: '/api/users', summary: 'List the users of the tenant', tag, permission: 'user:manage', query: UserListQuery, response: UserPage },
  { method: 'post', path: '/api/users', summary: 'Invite a user: Firebase account, role and plant access', tag, permission: 'user:manage', body: UserCreateBody, status: 201, response: UserCreated },
  { method: 'patch', path: '/api/users/{id}', summary: 'Change a user\'s role or plant access', tag, permission: 'user:manage', params: UserParams, body: UserPatchBody, response: UserJson },
  { method: 'delete', path: '/api/users/{id}', summary: 'Remove a user and their sign-in account', tag, permission: 'user:manage', params: UserParams, status: 204 }
]
