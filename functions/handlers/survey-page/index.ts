// Placeholder: the survey-page handler is being written. Replace this file.
export const handler = async (): Promise<void> => {};
