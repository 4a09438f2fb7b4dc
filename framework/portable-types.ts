/**
 * Platform types for the package's public declarations, written so that an
 * agent writer's project needs no @types/node to type-check against them:
 * where the project knows the platform's type (the DOM lib or @types/node),
 * that is the type; otherwise, the part an agent uses of it.
 */

interface MinimalAbortSignal {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
  throwIfAborted(): void;
}

/** AbortSignal: the platform's, or what an entry point may use of it. */
export type AbortSignalLike = typeof globalThis extends { AbortSignal: { prototype: infer S } } ? S : MinimalAbortSignal;

/** URL: the platform's, or a `file:` URL's text. */
export type UrlLike = typeof globalThis extends { URL: { prototype: infer U } } ? U : { readonly href: string };

/** An environment for a command: names to values (process.env is one). */
export type EnvLike = Readonly<Record<string, string | undefined>>;
