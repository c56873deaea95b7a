// Placeholder: the dispatch handler is being written. Replace this file.
export const handler = async (): Promise<void> => {};
