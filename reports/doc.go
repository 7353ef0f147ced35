// Package reports computes the reform report of an industrial-zone
// management board: Biểu số 06/VPCP/KSTT (TT 01/2020/TT-VPCP), "Tình hình,
// kết quả giải quyết thủ tục hành chính", one row per procedure grouped by
// field with subtotals and a total, the narrative sentence boards publish
// from it, the "progress and results" indicators of Decision
// 766/QĐ-TTg (2022), and the investment statistics (projects issued,
// adjusted and terminated, and those valid at the period's end, with their
// registered capital written as boards write it).
//
// Every figure is computed strictly as of the end of the reporting period:
// events after its last day are ignored, so a past period's numbers do not
// change when dossiers move on. Counting is done in SQL (one GROUP BY with
// SUM(CASE …)), on PostgreSQL and SQLite alike; the rules of each column
// are in docs/REPORTS.md.
//
// Periods are whole days in Asia/Ho_Chi_Minh (deadlines.Location), the zone
// in which the engine writes every instant. The package imports no HTTP
// framework.
package reports
