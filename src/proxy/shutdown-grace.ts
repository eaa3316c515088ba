// How long the daemon gives what is under way on SIGTERM before it answers the rest with 503
// (src/proxy/index.ts), and so how long the action waits for it to exit (launcher.ts). Its own
// module: the launcher is bundled into the action, and must not pull the server in with it.

export const DEFAULT_SHUTDOWN_GRACE_MS = 5_000;
