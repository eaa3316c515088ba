// Stands in for undici in dist/ (see withoutUndici in build.mjs). @actions/http-client imports
// it only for getAgentDispatcher(), a fetch() dispatcher this action and @actions/cache never ask for.
export class ProxyAgent {
  constructor() {
    throw new Error(
      'undici is left out of the pypi-cache-action bundle (scripts/undici-stub.mjs): HttpClient.getAgentDispatcher() is not available; nothing in the action should call it',
    );
  }
}
