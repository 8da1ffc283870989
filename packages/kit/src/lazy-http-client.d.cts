// The stand-in's own function (see lazy-http-client.cjs); its other exports are the real module's.
/** Loads the real @actions/http-client (in bundles, its own chunk); a no-op once loaded. */
export declare function load(): Promise<void>
