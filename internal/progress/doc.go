// Package progress is Recert's rules engine: a pure function of (program, member facts,
// credits or clinical entries, as-of date) to an evaluation that explains itself.
//
// A Program is versioned data (see the embedded programs/*.json and BuiltIn): its period
// layout, total, category minimums and maximums, caps per activity type, topic requirements,
// carry-over, first-period rules, the "met by a current ABCP certification" short-circuit, its
// deadline, or for clinical programs the activity numbers. Values rules.md tags unverified or
// inferred carry "verified": false.
//
// Evaluate (credit programs) and EvaluateClinical (clinical programs) report, for the
// previous, current and next periods around the as-of date, the deadline, the status of
// rules.md Decision 8, what counted toward which rule, and every amount a cap removed with the
// rule that removed it. The rules follow the "Decisions for Recert" of
// shared/domain/rules.md:
//
//   - amounts stay exact through the evaluation: every credit converts to 1/60000 of the
//     program's unit without rounding, and only displayed amounts round, once, to 0.01: counted
//     amounts down, remaining amounts and pace targets up (Decisions 1 and 13);
//   - who approved a credit (approved_by) is apart from its ABCP category, which may be "none";
//     a program accepts by category or by approver (Decision 16);
//   - every credit, or part of one, a period does not count is listed in NotCounted with why,
//     with totals per reason;
//   - on day d of an n-day period d days have elapsed (Decision 14); a period is behind only
//     when below the pace target by more than the program's pace tolerance times the share of
//     the period still ahead (Decision 18); a program met by certification reports nothing
//     remaining and every requirement met (Decision 15);
//   - a credit belongs to the period containing its date (Decision 2);
//   - caps apply per activity, then per period by activity type, then per category; minimums
//     and the total are checked last (Decision 4); within a cap the earliest-dated credits are
//     kept first, ties by larger amount then by id (Decision 5);
//   - carry-over moves at most the program's limit of a period's own surplus into the next
//     period only, and counts toward the total only (Decision 7).
//
// The package does no I/O besides reading its embedded files and the time zone database:
// programs name IANA zones, so a binary deployed without /usr/share/zoneinfo should import
// time/tzdata in its main package.
package progress
