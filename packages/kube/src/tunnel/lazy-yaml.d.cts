// Types of lazy-yaml.cjs (the same signatures as yaml's, as used here).
export declare function parse(text: string): unknown
export declare function stringify(value: unknown): string
