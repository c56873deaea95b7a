/** Reads a required environment variable once, at init, failing fast with a message a person can act on. */
export function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}
