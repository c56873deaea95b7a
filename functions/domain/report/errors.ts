/** The wave to report on does not exist: an unknown wave id, or a campaign that has not been dispatched yet. */
export class WaveNotFoundError extends Error {
  constructor(
    readonly campaignId: string,
    readonly waveId?: string,
  ) {
    super(
      waveId
        ? `campaign "${campaignId}" has no wave "${waveId}"`
        : `campaign "${campaignId}" has no wave yet: nothing to report`,
    );
    this.name = 'WaveNotFoundError';
  }
}

/** A report request that does not say which campaign (and wave) to report on; the message says what is wrong. */
export class ReportRequestError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid report request: ${problems.join('; ')}`);
    this.name = 'ReportRequestError';
  }
}
