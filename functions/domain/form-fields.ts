/*
 * The survey form's field names, shared by the page, the emails' one-click links and the answer parsing
 * (answers.ts). Apart from the parsing, so that the emails do not bundle its schema.
 */

/** Form field names: one radio group per category and per single-choice question, one textarea per open question. */
export const ratingField = (categoryId: string): string => `r-${categoryId}`;
export const commentField = (questionId: string): string => `c-${questionId}`;
export const choiceField = (questionId: string): string => `s-${questionId}`;

/** Fields the survey form carries besides the answers. */
export const FORM_META_FIELDS = ['lang', 'opened'] as const;

/** The "please contact me" checkbox (a campaign whose actions take contact requests); ticked = CONTACT_VALUE. */
export const CONTACT_FIELD = 'contact';
export const CONTACT_VALUE = 'yes';
