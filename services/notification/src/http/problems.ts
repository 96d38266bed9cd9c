import { defineProblems } from '@commlab/kit';

/**
 * The notification service's problem types beyond the common ones (validation, not-found...,
 * from @commlab/kit). Each is explained at /problems/<slug>; the slugs are a contract.
 */
export const notificationProblems = defineProblems({
  unauthorized: {
    status: 401,
    title: 'Unauthorized',
    description:
      'Send a valid bearer token: the Authorization header, or from a browser the subprotocol bearer.<token>.',
    headers: { 'www-authenticate': 'Bearer realm="commlab-notification"' },
  },
  'insufficient-scope': {
    status: 403,
    title: 'Access token lacks a required scope',
    description: 'Listening to notifications needs an access token with the scope notifications:read.',
    headers: {
      'www-authenticate': 'Bearer realm="commlab-notification", error="insufficient_scope", scope="notifications:read"',
    },
  },
  'forbidden-origin': {
    status: 403,
    title: 'Origin not allowed',
    description: 'Browsers may connect only from the origins in PUSH_ALLOWED_ORIGINS.',
  },
});
