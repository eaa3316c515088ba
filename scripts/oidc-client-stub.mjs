// Stands in for @actions/core's lib/oidc-utils.js in dist/ (see withoutOidcClient in build.mjs).
// The real one is core.getIDToken()'s client, and its @actions/http-client and undici were
// ~0.9 MB of bundle that every step evaluated at start-up; this action never asks for an ID token.
export const OidcClient = {
  async getIDToken() {
    throw new Error(
      'core.getIDToken() is left out of the pypi-cache-action bundle (scripts/oidc-client-stub.mjs); nothing in the action should call it',
    );
  },
};
