import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadProgramme } from '../functions/domain/programme.ts';
import { calendarFiles, questionnaireFiles } from '../programme/files.ts';

/*
 * The README documents the programme format with whole examples: they must load as the programme does,
 * so the documentation cannot drift from the schemas.
 */
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const examples = [...readme.matchAll(/```json\n([\s\S]*?)```/g)]
  .map((m) => (m[1] ?? '').replace(/^ {2}/gm, '').trim())
  .filter((block) => block.startsWith('{'))
  .map((block) => JSON.parse(block) as Record<string, unknown>);

describe('README programme examples', () => {
  it('should hold a whole questionnaire and a whole campaign', () => {
    expect(examples.filter((e) => 'scale' in e)).toHaveLength(1);
    expect(examples.filter((e) => 'dispatch' in e)).toHaveLength(1);
  });

  it('should load them as the programme loads its files', () => {
    const questionnaire = examples.find((e) => 'scale' in e)!;
    const campaign = examples.find((e) => 'dispatch' in e)!;
    // The example questionnaire shares the shipped one's id: load it under another to keep both.
    const programme = loadProgramme({
      questionnaires: { 'README questionnaire': { ...questionnaire, version: 99 }, ...questionnaireFiles },
      campaigns: { 'README campaign': campaign },
      calendars: calendarFiles,
    });
    expect(programme.campaigns[0]?.id).toBe('key-accounts-quarterly');
    expect(programme.questionnaires.some((q) => q.version === 99)).toBe(true);
  });
});
