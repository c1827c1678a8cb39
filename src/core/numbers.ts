// Rounding the project keeps one way.

/** Milliseconds precision: times and scores as the manifest, captions and crop paths keep them. */
export const round3 = (n: number): number => Math.round(n * 1000) / 1000;
