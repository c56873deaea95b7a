/* The steps of a wave that each send one email to a customer. */

/** The most reminders a campaign may send after the invitation (`reminders.max`). */
export const MAX_REMINDERS = 5;

/** Every wave step that sends one email to a customer: the invitation, then reminder 1, 2, … in order. */
export const SEND_STEPS = ['invite', 'remind-1', 'remind-2', 'remind-3', 'remind-4', 'remind-5'] as const;

/** A wave step that sends one email to a customer. */
export type SendStep = (typeof SEND_STEPS)[number];

/** The step of the k-th reminder (1-based). */
export const reminderStep = (k: number): SendStep => {
  const step = SEND_STEPS[k];
  if (k < 1 || !step) throw new RangeError(`reminder ${k} is not between 1 and ${MAX_REMINDERS}`);
  return step;
};

/** The step whose email must have gone out before this one may: none for the invitation. */
export const previousStep = (step: SendStep): SendStep | undefined =>
  SEND_STEPS[SEND_STEPS.indexOf(step) - 1];
