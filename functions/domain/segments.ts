/*
 * Customer segments (seed 003): how they are computed is in audience.ts; this list is apart from it, so
 * that the reports, which break figures down by segment, do not bundle the audience's schemas.
 */

/** Segments of seed 003; a campaign targeting several takes their union. */
export const SEGMENTS = ['active', 'new', 'key'] as const;
export type Segment = (typeof SEGMENTS)[number];
