package reports

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/workflow"
)

// ProgressPoints is the weight of the indicator group "Tiến độ, kết quả
// giải quyết" (progress and results) in the 100 points of Decision
// 766/QĐ-TTg.
const ProgressPoints = 20.0

// Basis766OnTime cites indicator 2.1 and says how its points are scored.
// verify: the official scoring table of the Decision's appendix was not
// read; points are the stated proportional formula.
var Basis766OnTime = workflow.Basis{
	Citation: "Quyết định 766/QĐ-TTg ngày 23/6/2022 của Thủ tướng Chính phủ, Phụ lục, nhóm chỉ số Tiến độ, kết quả giải quyết: " +
		"tỷ lệ hồ sơ xử lý trước hạn, đúng hạn / Decision 766/QĐ-TTg (23/06/2022), appendix, progress and results: on-time rate",
	Verify: true,
	Note: "Điểm = 20 × tỷ lệ (công thức tỷ lệ thuận do motcua đặt, chưa đối chiếu bảng chấm điểm chính thức) / " +
		"points = 20 × rate (a proportional formula set by motcua, not checked against the official scoring table)",
}

// Basis766Average cites indicator 2.2. verify: whether and how it carries
// points was not found; motcua reports the figure without points.
var Basis766Average = workflow.Basis{
	Citation: "Quyết định 766/QĐ-TTg ngày 23/6/2022 của Thủ tướng Chính phủ, Phụ lục, nhóm chỉ số Tiến độ, kết quả giải quyết: " +
		"thời gian giải quyết trung bình / Decision 766/QĐ-TTg (23/06/2022), appendix, progress and results: average resolution time",
	Verify: true,
	Note:   "Số ngày làm việc trung bình, không chấm điểm (chưa tìm thấy cách chấm) / average working days, not scored (scoring not found)",
}

// Indicator is the "progress and results" group of Decision 766/QĐ-TTg
// for one procedure of a board, or for the whole board.
//
// 2.1, the on-time rate, is OnTime / Handled: dossiers resolved early or
// on time in the period plus those in progress within the deadline at its
// end, over every dossier handled in the period (received in it or carried
// over into it, exactly the dossiers of Biểu 06). Supplementation time is
// already subtracted by the engine, which moves the appointment by the
// time a paused clock waited (or restarts the period, for procedures whose
// rule is restart). A dossier with more than one supplementation request at
// or before its end (or the period's end) counts as late or overdue
// whatever its outcome.
//
// 2.2, the average resolution time, is the mean over the dossiers resolved
// in the period (the Completed of Biểu 06's resolved column, withdrawals
// and refusals included) of the working days from receipt to end, minus
// the working days the clock spent paused for supplementation.
//
// Points scores 2.1 on the group's 20 points as 20 × OnTimeRate: a stated
// proportional formula, to verify against the Decision's scoring table
// (Basis766OnTime). 2.2 is reported without points (Basis766Average).
type Indicator struct {
	BoardID   uint          `json:"board_id"`
	Procedure string        `json:"procedure"` // "" on a board's total
	Name      workflow.Text `json:"name"`

	Handled         int      `json:"handled"`          // received in the period + carried over into it
	OnTime          int      `json:"on_time"`          // resolved early or on time + in progress within the deadline, less the multi-supplement dossiers
	MultiSupplement int      `json:"multi_supplement"` // handled dossiers asked to supplement more than once: late or overdue
	OnTimeRate      *float64 `json:"on_time_rate"`     // 2.1, from 0 to 1; nil when nothing was handled
	Points          *float64 `json:"points"`           // 20 × OnTimeRate (verify)

	Completed          int      `json:"completed"`            // dossiers resolved in the period
	AverageWorkingDays *float64 `json:"average_working_days"` // 2.2; nil when none was resolved

	workingDays int // sum over Completed, for totals
}

// BoardIndicators is one board's indicators: by procedure (those with
// dossiers, in catalogue order) and in total.
type BoardIndicators struct {
	BoardID    uint        `json:"board_id"`
	Code       string      `json:"code"`
	Name       string      `json:"name"`
	Procedures []Indicator `json:"procedures"`
	Total      Indicator   `json:"total"`
}

// Indicators766 is the "progress and results" group of Decision 766/QĐ-TTg
// for a period, per board.
type Indicators766 struct {
	Period       Period            `json:"period"`
	Boards       []BoardIndicators `json:"boards"`
	OnTimeBasis  workflow.Basis    `json:"on_time_basis"`
	AverageBasis workflow.Basis    `json:"average_basis"`
}

// Decision766 computes indicators 2.1 and 2.2 of Decision 766/QĐ-TTg for
// q.Period, per board (every board, or q.BoardID) and procedure, as of the
// period's end. cal counts working days for 2.2.
func Decision766(ctx context.Context, db *gorm.DB, cat *workflow.Catalogue, cal *deadlines.Calendar,
	q Query) (*Indicators766, error) {
	if err := q.check(); err != nil {
		return nil, err
	}
	var rows map[boardProc]*counts
	var times map[boardProc]spent
	var boards []models.Board
	err := snapshot(ctx, db, func(tx *gorm.DB) error {
		var err error
		if rows, err = aggregate(tx, cat, q); err != nil {
			return err
		}
		if times, err = resolutionTimes(tx, cal, q); err != nil {
			return err
		}
		boards, err = listBoards(ctx, tx, q.BoardID)
		return err
	})
	if err != nil {
		return nil, err
	}
	byKey := map[boardProc]*Indicator{}
	for k, c := range rows {
		byKey[k] = &Indicator{BoardID: k.board, Procedure: k.proc, Handled: c.Handled, OnTime: c.Good, MultiSupplement: c.Multi}
	}
	for k, t := range times {
		ind := byKey[k]
		if ind == nil {
			ind = &Indicator{BoardID: k.board, Procedure: k.proc}
			byKey[k] = ind
		}
		ind.Completed, ind.workingDays = t.n, t.days
	}
	out := &Indicators766{Period: q.Period, OnTimeBasis: Basis766OnTime, AverageBasis: Basis766Average}
	for _, b := range boards {
		out.Boards = append(out.Boards, boardIndicators(b, cat, byKey))
	}
	return out, nil
}

// boardIndicators collects one board's procedures, in catalogue order then
// unknown codes in order, and their total.
func boardIndicators(b models.Board, cat *workflow.Catalogue, byKey map[boardProc]*Indicator) BoardIndicators {
	out := BoardIndicators{BoardID: b.ID, Code: b.Code, Name: b.NameVI,
		Total: Indicator{BoardID: b.ID, Name: totalName}}
	var codes []string
	seen := map[string]bool{}
	for _, code := range cat.Order {
		codes, seen[code] = append(codes, code), true
	}
	var others []string
	for k := range byKey {
		if k.board == b.ID && !seen[k.proc] {
			others = append(others, k.proc)
		}
	}
	for _, code := range append(codes, sortStrings(others)...) {
		ind := byKey[boardProc{b.ID, code}]
		if ind == nil {
			continue
		}
		ind.Name = procName(cat, code)
		out.Procedures = append(out.Procedures, ind.finish())
		out.Total.add(*ind)
	}
	out.Total = out.Total.finish()
	return out
}

// procName is a procedure's name, or its code if the catalogue lacks it.
func procName(cat *workflow.Catalogue, code string) workflow.Text {
	if p, ok := cat.Procedures[code]; ok {
		return p.Name
	}
	return workflow.Text{VI: code, EN: code}
}

// add adds a procedure's counts to a total.
func (t *Indicator) add(i Indicator) {
	t.Handled += i.Handled
	t.OnTime += i.OnTime
	t.MultiSupplement += i.MultiSupplement
	t.Completed += i.Completed
	t.workingDays += i.workingDays
}

// finish computes the rate, the points and the average from the counts.
func (t Indicator) finish() Indicator {
	if t.Handled > 0 {
		rate := float64(t.OnTime) / float64(t.Handled)
		points := ProgressPoints * rate
		t.OnTimeRate, t.Points = &rate, &points
	}
	if t.Completed > 0 {
		avg := float64(t.workingDays) / float64(t.Completed)
		t.AverageWorkingDays = &avg
	}
	return t
}

// spent is the resolution time of a group of dossiers: how many, and their
// working days in total.
type spent struct{ n, days int }

// resolutionRow is one group of dossiers resolved in the period with the
// same receipt date, end date and paused working days.
type resolutionRow struct {
	BoardID  uint   `gorm:"column:board_id"`
	Proc     string `gorm:"column:proc"`
	Received string `gorm:"column:rd"`
	Finished string `gorm:"column:fd"`
	Paused   int    `gorm:"column:paused"`
	N        int    `gorm:"column:n"`
}

// resolutionSQL groups the dossiers resolved in the period by receipt and
// end date (local) and paused days, so that the working days, which need
// the calendar, are counted once per group in Go. The dates are grouped as
// dates and written as YYYY-MM-DD once per group.
const resolutionSQL = `SELECT g.board_id AS board_id, g.proc AS proc, %[3]s AS rd, %[4]s AS fd, g.paused AS paused, g.n AS n
FROM (SELECT d.board_id AS board_id, d.procedure AS proc, %[1]s AS rd, %[2]s AS fd, d.paused_days AS paused, COUNT(*) AS n
	FROM dossiers d
	WHERE d.received_at IS NOT NULL AND d.finished_at >= @start AND d.finished_at < @end%[5]s
	GROUP BY 1, 2, 3, 4, 5) g`

// resolutionTimes sums, per board and procedure, the working days from
// receipt to end less the paused working days of the dossiers resolved in
// the period, through tx. paused_days is final once the clock has stopped.
func resolutionTimes(tx *gorm.DB, cal *deadlines.Calendar, q Query) (map[boardProc]spent, error) {
	board := ""
	if q.BoardID != nil {
		board = " AND d.board_id = @board"
	}
	sql := fmt.Sprintf(resolutionSQL, localDateSQL(tx, "d.received_at"), localDateSQL(tx, "d.finished_at"),
		dateTextSQL(tx, "g.rd"), dateTextSQL(tx, "g.fd"), board)
	var rows []resolutionRow
	if err := tx.Raw(sql, boundArgs(q)).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("reports: resolution times for %s: %w", q.Period, err)
	}
	out := map[boardProc]spent{}
	for _, r := range rows {
		days, err := r.workingDays(cal)
		if err != nil {
			return nil, err
		}
		k := boardProc{r.BoardID, r.Proc}
		s := out[k]
		s.n, s.days = s.n+r.N, s.days+r.N*days
		out[k] = s
	}
	return out, nil
}

// workingDays is one dossier's resolution time in the group: working days
// in (receipt date, end date] less the paused working days, never negative.
func (r resolutionRow) workingDays(cal *deadlines.Calendar) (int, error) {
	rd, err1 := time.ParseInLocation("2006-01-02", r.Received, deadlines.Location)
	fd, err2 := time.ParseInLocation("2006-01-02", r.Finished, deadlines.Location)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("reports: unreadable dates %q, %q of dossiers of %s", r.Received, r.Finished, r.Proc)
	}
	return max(cal.WorkingDaysBetween(rd, fd)-r.Paused, 0), nil
}
