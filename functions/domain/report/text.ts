import type { CleaningFlag } from '../cleaning-flags.ts';
import type { Language } from '../language.ts';
import type { ReportDocument } from './document.ts';
import { dateTimeFor } from './people.ts';
import type { GroupStatistics } from './statistics.ts';

/** The words of the report (HTML, CSV headers, email), in every supported language. */
const WORDS = {
  'zh-CN': {
    report: '满意度调查报告',
    wave: '批次',
    waveSent: '{date}发出的批次',
    waveId: '批次编号',
    departmentId: '部门编号',
    timesIn: '时间为{zone}',
    period: '发出时间',
    deadline: '截止时间',
    generated: '生成时间',
    questionnaire: '调查表',
    version: '版本',
    headline: '主要指标',
    invited: '发放',
    answered: '回收',
    returnRate: '回收率',
    satisfactionIndex: '满意度指数',
    grade: '等级',
    satisfactionRate: '满意率',
    excluded: '份回复与本批次的调查表不符，未计入统计。',
    cleaned: '份回复经数据清洗判为无效（{why}）：已保留并计入回收率，未计入得分和满意率。',
    cleanedItem: '{flag} {count} 份',
    cleanedJoin: '；',
    cleaning: '数据清洗',
    straightLining: '所有项目选同一等级且作答过快',
    tooFast: '作答过快',
    unverifiableTiming: '作答用时无法核实',
    gradeDistribution: '等级分布',
    count: '份数',
    categories: '各项评价',
    category: '评价项目',
    weight: '权重',
    meanPoints: '平均得分',
    meanPercent: '得分率',
    distribution: '各等级人数',
    departments: '各部门对比',
    department: '部门',
    comments: '意见与建议',
    lowestComments: '得分最低的意见',
    question: '问题',
    language: '语言',
    score: '总分',
    noResponses: '本批次尚无有效回复。',
    noComments: '没有意见。',
    commentsOmitted: '另有 {n} 条意见未列出（每题只列总分最低的 {k} 条），responses.csv 中有全部意见。',
    invitation: '邀请编号',
    answeredAt: '回复时间',
    openReport: '查看完整报告',
    downloadCsv: '下载回复明细 (CSV)',
    linksValidUntil: '链接有效期至',
    definitions:
      '满意度指数 = 各份回复总分的平均值（0–100）；满意率 = 所有评价项中评为“{level}”及以上的比例；回收率 = 回复数 / 发放数。',
    chartAlt: '各等级人数分布图',
    range: '分值范围',
    meanScaled: '得分（0–100）',
    meanRawPoints: '平均原始分',
    meanLikert: '平均分',
    target: '目标',
    targetMet: '已达到',
    targetMissed: '未达到',
    choices: '选择题',
    option: '选项',
    optional: '（选填）',
    // Period report (period-html.ts).
    pReport: '满意度周期报告',
    pPeriod: '统计周期',
    pFinal: '最终数据',
    pProgress: '进行中，数据可能仍会变化',
    pWholeCampaign: '整个调查（全部部门）',
    pDepartmentScope: '部门：{department}',
    withheld: '已隐去：回答少于 {n} 份',
    pWaves: '批次',
    pNoTarget: '未设目标',
    pExcluded: '份回复与其批次的调查表不符，未计入统计。',
    pNoResponses: '本周期尚无有效回复。',
    pNoQuestionnaire: '本周期没有发出调查。',
    pTrend: '趋势',
    pTrendChart: '各周期的满意度指数与满意率',
    pIndexTarget: '满意度指数目标',
    pRateTarget: '满意率目标',
    pReturnRateTarget: '回收率目标',
    pMet: '是否达到',
    pDepartmentChart: '各部门的满意度指数与满意率',
    pSegments: '客户分组',
    pSegment: '分组',
    pNoSegments: '没有记录客户分组的回复。',
    pSegmentActive: '活跃客户',
    pSegmentNew: '新客户',
    pSegmentKey: '重点客户',
    pProblems: '问题排行',
    pRank: '排名',
    pDissatisfiedAnswers: '不满意回答 / 回答',
    pNoProblems: '没有评为不满意的项目。',
    pReminders: '提醒效果',
    pRemindersAnonymous: '不可用：匿名调查的回答不记录之前发过几次提醒',
    pAfterInvitation: '仅邀请后回复',
    pAfterReminder: '第 {n} 次提醒后回复',
    pCommentsShown:
      '共 {count} 条意见（中文 {zh} 条，英文 {en} 条）；以下为得分最低的 {shown} 条，得分最低的在前。',
    // The period digest email.
    eSubjectIndex: '满意度指数',
    eSubjectRate: '满意率',
    eSubjectReturn: '回收率',
    eSubjectBelow: '{figure}（未达目标 {target}）',
    eSubjectMet: '{figures}（均达到目标）',
    eJoin: '，',
    eDepartmentDigest: '{campaign}（{department}）',
    ePeriod: '统计周期',
    ePreliminary: '初步数据：本期尚有批次未截止。',
    eNoResponses: '本期尚无有效回复。',
    eAnsweredInvited: '回收 / 发放',
    eUp: '上升',
    eDown: '下降',
    eChange: '较 {period}（{previous}）{direction} {delta}',
    eUnchanged: '与 {period}（{previous}）持平',
    ePoints: '{n} 个百分点',
    eNoPrevious: '无上期数据',
    eTarget: '目标 {target}：{verdict}',
    eNoTarget: '无目标',
    eLowestDepartment: '最低部门',
    eTopProblem: '问题最多的项目',
    eProblems: '主要问题',
    eBelowLevel: '{answers} 个评价中 {dissatisfied} 个低于“{level}”',
    eBelowHeader: '低于“{level}”',
    eReminders: '提醒效果',
    eAfterInvitation: '仅凭邀请 {n} 份',
    eAfterReminder: '第 {k} 次提醒后 {n} 份',
    eRemindedShare: '；共 {n} / {total} 份在提醒后回复',
    eNoAnswers: '尚无回复',
  },
  en: {
    report: 'Satisfaction survey report',
    wave: 'Wave',
    waveSent: 'Wave sent {date}',
    waveId: 'Wave id',
    departmentId: 'Department id',
    timesIn: 'times in {zone}',
    period: 'Sent',
    deadline: 'Deadline',
    generated: 'Generated',
    questionnaire: 'Questionnaire',
    version: 'version',
    headline: 'Headline figures',
    invited: 'Invited',
    answered: 'Answered',
    returnRate: 'Return rate',
    satisfactionIndex: 'Satisfaction index',
    grade: 'Grade',
    satisfactionRate: 'Satisfaction rate',
    excluded: 'response(s) do not fit this wave’s questionnaire and are left out of the figures.',
    cleaned:
      'response(s) excluded by data cleaning ({why}): kept and counted in the return rate, left out of scores and rates.',
    cleanedItem: '{flag}: {count}',
    cleanedJoin: '; ',
    cleaning: 'Data cleaning',
    straightLining: 'every item at the same level and answered quickly',
    tooFast: 'answered too fast',
    unverifiableTiming: 'answer time unverifiable',
    gradeDistribution: 'Grades',
    count: 'Responses',
    categories: 'Items',
    category: 'Item',
    weight: 'Weight',
    meanPoints: 'Mean points',
    meanPercent: '% of weight',
    distribution: 'Answers per level',
    departments: 'Departments',
    department: 'Department',
    comments: 'Comments',
    lowestComments: 'Comments from the lowest scores',
    question: 'Question',
    language: 'Language',
    score: 'Total',
    noResponses: 'No responses in this wave yet.',
    noComments: 'No comments.',
    commentsOmitted:
      '{n} more comments are not listed (each question lists the {k} of the lowest totals): responses.csv has them all.',
    invitation: 'Invitation',
    answeredAt: 'Answered at',
    openReport: 'Open the full report',
    downloadCsv: 'Download the responses (CSV)',
    linksValidUntil: 'Links valid until',
    definitions:
      'Satisfaction index = mean total score of the responses (0–100); satisfaction rate = share of all item ratings at “{level}” or better; return rate = responses / invitations.',
    chartAlt: 'Answers per level',
    range: 'Points range',
    meanScaled: 'Score (0–100)',
    meanRawPoints: 'Mean raw points',
    meanLikert: 'Mean score',
    target: 'target',
    targetMet: 'reached',
    targetMissed: 'not reached',
    choices: 'Single-choice questions',
    option: 'Option',
    optional: '(optional)',
    // Period report (period-html.ts).
    pReport: 'Period satisfaction report',
    pPeriod: 'Period',
    pFinal: 'Final figures',
    pProgress: 'In progress: the figures may still change',
    pWholeCampaign: 'Whole campaign (all departments)',
    pDepartmentScope: 'Department: {department}',
    withheld: 'withheld: fewer than {n} responses',
    pWaves: 'Waves',
    pNoTarget: 'no target',
    pExcluded: 'response(s) do not fit their wave’s questionnaire and are left out of the figures.',
    pNoResponses: 'No responses in this period yet.',
    pNoQuestionnaire: 'No survey was sent in this period.',
    pTrend: 'Trend',
    pTrendChart: 'Satisfaction index and satisfaction rate per period',
    pIndexTarget: 'Index target',
    pRateTarget: 'Satisfaction rate target',
    pReturnRateTarget: 'Return rate target',
    pMet: 'Reached',
    pDepartmentChart: 'Satisfaction index and satisfaction rate per department',
    pSegments: 'Customer segments',
    pSegment: 'Segment',
    pNoSegments: 'No responses with recorded customer segments.',
    pSegmentActive: 'Active customers',
    pSegmentNew: 'New customers',
    pSegmentKey: 'Key customers',
    pProblems: 'Problem ranking',
    pRank: 'Rank',
    pDissatisfiedAnswers: 'Dissatisfied / answers',
    pNoProblems: 'No item was rated below satisfied.',
    pReminders: 'Reminder effect',
    pRemindersAnonymous:
      'not available: an anonymous survey’s answers do not record how many reminders preceded them',
    pAfterInvitation: 'After the invitation alone',
    pAfterReminder: 'After reminder {n}',
    pCommentsShown:
      '{count} comment(s) in all (Chinese {zh}, English {en}); the {shown} from the lowest-scoring responses, lowest first.',
    // The period digest email.
    eSubjectIndex: 'index',
    eSubjectRate: 'satisfaction rate',
    eSubjectReturn: 'return rate',
    eSubjectBelow: '{figure} — below target {target}',
    eSubjectMet: '{figures} — targets met',
    eJoin: ', ',
    eDepartmentDigest: '{campaign} — {department}',
    ePeriod: 'Period',
    ePreliminary: 'Preliminary: some of the period’s waves are still open.',
    eNoResponses: 'No responses in this period yet.',
    eAnsweredInvited: 'Answered / invited',
    eUp: 'up',
    eDown: 'down',
    eChange: '{direction} {delta} on {period} ({previous})',
    eUnchanged: 'unchanged on {period} ({previous})',
    ePoints: '{n} pts',
    eNoPrevious: 'no previous period',
    eTarget: 'target {target}: {verdict}',
    eNoTarget: 'no target',
    eLowestDepartment: 'Lowest department',
    eTopProblem: 'Most dissatisfied item',
    eProblems: 'Where it falls short',
    eBelowLevel: '{dissatisfied} of {answers} ratings below “{level}”',
    eBelowHeader: 'Below “{level}”',
    eReminders: 'Reminder effect',
    eAfterInvitation: '{n} after the invitation alone',
    eAfterReminder: '{n} after reminder {k}',
    eRemindedShare: ' — {n} of {total} answered after a reminder',
    eNoAnswers: 'no answers yet',
  },
} as const satisfies Record<Language, Record<string, string>>;

export type Words = (typeof WORDS)[Language];

export const words = (language: Language): Words => WORDS[language];

const FLAG_WORD = {
  'straight-lining': 'straightLining',
  'too-fast': 'tooFast',
  'unverifiable-timing': 'unverifiableTiming',
} as const satisfies Record<CleaningFlag, keyof Words>;

/** What a data-cleaning flag means, in the report's words. */
export const flagLabel = (w: Words, flag: CleaningFlag): string => w[FLAG_WORD[flag]];

/**
 * "N response(s) excluded by data cleaning (what flagged them: count; …): …", or undefined when none were.
 * One sentence for the HTML report and the email alike.
 */
export function cleanedNote(
  w: Words,
  cleaned: number,
  flags: ReadonlyArray<{ flag: CleaningFlag; count: number }>,
): string | undefined {
  if (cleaned === 0) return undefined;
  const why = flags
    .filter((f) => f.count > 0)
    .map((f) => w.cleanedItem.replace('{flag}', flagLabel(w, f.flag)).replace('{count}', String(f.count)))
    .join(w.cleanedJoin);
  return `${cleaned} ${w.cleaned.replace('{why}', why)}`;
}

/**
 * The mean score in the scale's own units, for scales where it differs from the 0–100 index: Σ points
 * (fixed-points, points-table) or the Likert mean with its target. Undefined for percent-of-weight.
 */
export function rawHeadline(
  report: Pick<ReportDocument, 'language' | 'questionnaire'>,
  s: Pick<GroupStatistics, 'meanRaw' | 'targetMet'>,
): [string, string] | undefined {
  const q = report.questionnaire;
  const w = words(report.language);
  if (q.scaleKind === 'percent-of-weight') return undefined;
  const value = s.meanRaw === null ? '–' : s.meanRaw.toFixed(2);
  if (q.scaleKind !== 'likert') return [w.meanRawPoints, value];
  const target =
    q.targetMean === null
      ? ''
      : ` (${w.target} ${q.targetMean.toFixed(1)}${s.targetMet === null ? '' : `: ${s.targetMet ? w.targetMet : w.targetMissed}`})`;
  return [w.meanLikert, `${value}${target}`];
}

/** A 0–1 rate as a percentage with one decimal, or a dash when there is none. */
export const percent = (rate: number | null): string => (rate === null ? '–' : `${(rate * 100).toFixed(1)}%`);

/**
 * A score (0–100) with the two decimals it is stored and graded with, or a dash. Fewer would round a
 * 94.96 (B) up to the A threshold, showing "95.0 (B)".
 */
export const scoreText = (n: number | null): string => (n === null ? '–' : n.toFixed(2));

export { dateFor, dateTimeFor, languageName, timeZoneName } from './people.ts';

/** "2026年12月2日 12:45发出的批次" / "Wave sent 2 December 2026, 12:45": a wave as a heading names it. */
export const waveHeading = (w: Words, createdAt: string, timeZone: string, lang: Language): string =>
  w.waveSent.replace('{date}', dateTimeFor(createdAt, timeZone, lang));
