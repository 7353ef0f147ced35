package models_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/models/modelstest"
)

// dashboardBefore is models.Dashboard as it was before it read only the
// open dossiers and those finished since the month start: every dossier
// of the board, every group. The test keeps it as the reference.
func dashboardBefore(ctx context.Context, db *gorm.DB, boardID uint, groupBy string, now, soon, monthStart time.Time) ([]models.DashboardRow, error) {
	key, dept, name, join := "dossiers.procedure", "''", "dossiers.procedure", ""
	switch groupBy {
	case "officer":
		key, dept = "COALESCE(users.username, '')", "COALESCE(users.department, '')"
		name = "COALESCE(NULLIF(users.full_name, ''), users.username, '')"
		join = "LEFT JOIN users ON users.id = dossiers.assignee_id"
	case "department":
		key, name = "COALESCE(users.department, '')", "COALESCE(users.department, '')"
		join = "LEFT JOIN users ON users.id = dossiers.assignee_id"
	}
	groups := key + ", " + name
	if dept != "''" {
		groups += ", " + dept
	}
	var rows []models.DashboardRow
	err := db.WithContext(ctx).Raw(`SELECT `+key+` AS group_key, `+name+` AS name, `+dept+` AS department,
		SUM(CASE WHEN finished_at IS NULL AND received_at IS NOT NULL THEN 1 ELSE 0 END) AS open,
		SUM(CASE WHEN finished_at IS NULL AND due_at >= ? AND due_at < ? THEN 1 ELSE 0 END) AS due_soon,
		SUM(CASE WHEN finished_at IS NULL AND due_at < ? THEN 1 ELSE 0 END) AS overdue,
		SUM(CASE WHEN finished_at >= ? AND outcome = 'early' THEN 1 ELSE 0 END) AS early,
		SUM(CASE WHEN finished_at >= ? AND outcome = 'on_time' THEN 1 ELSE 0 END) AS on_time,
		SUM(CASE WHEN finished_at >= ? AND outcome = 'late' THEN 1 ELSE 0 END) AS late
		FROM dossiers `+join+` WHERE dossiers.board_id = ? GROUP BY `+groups+` ORDER BY `+key,
		now, soon, now, monthStart, monthStart, monthStart, boardID).Scan(&rows).Error
	return rows, err
}

// dashboardMix fills two boards with dossiers of every kind the dashboard
// tells apart, as of now (Wed 16/12/2026 10:00): submitted (with and
// without an appointment), open within, due soon and overdue, finished
// early, on time and late this month and before it (even on the month
// start's very instant, and a year back), assigned to officers of two
// departments, to an officer without a department or full name, to one
// whose dossiers all finished last month, and to nobody. It returns the
// first board's id.
func dashboardMix(t *testing.T, db *gorm.DB, now time.Time) uint {
	t.Helper()
	var boards [2]models.Board
	for i := range boards {
		boards[i] = models.Board{Code: fmt.Sprintf("DB%d", i), NameVI: "Ban thử bảng điều hành", AgencyCode: fmt.Sprintf("000.00.%02d.H00", i)}
		if err := db.Create(&boards[i]).Error; err != nil {
			t.Fatal(err)
		}
	}
	b := boards[0].ID
	users := []models.User{
		{BoardID: &b, Username: "an", FullName: "Nguyễn Văn An", Role: "officer", Department: "Phòng Đầu tư"},
		{BoardID: &b, Username: "binh", FullName: "Trần Thị Bình", Role: "officer", Department: "Phòng Quy hoạch"},
		{BoardID: &b, Username: "cuong", Role: "officer"},
		{BoardID: &b, Username: "dung", FullName: "Lê Dũng", Role: "officer", Department: "Phòng Môi trường"},
	}
	for i := range users {
		if err := db.Create(&users[i]).Error; err != nil {
			t.Fatal(err)
		}
	}
	month := time.Date(2026, 12, 1, 0, 0, 0, 0, deadlines.Location)
	at := func(days float64) *time.Time { v := now.Add(time.Duration(days * 24 * float64(time.Hour))); return &v }
	type mix struct {
		proc        string
		assignee    *uint
		received    bool
		due         *time.Time
		finished    *time.Time
		outcome     string
		otherBoards bool
	}
	an, binh, cuong, dung := &users[0].ID, &users[1].ID, &users[2].ID, &users[3].ID
	monthStart, lastMonth, lastYear := month, month.Add(-time.Hour), now.AddDate(-1, 0, 0)
	mixes := []mix{
		{proc: "construction-permit"},              // submitted, no appointment yet
		{proc: "construction-permit", due: at(-2)}, // not received, yet an appointment in the past
		{proc: "construction-permit", assignee: an, received: true, due: at(20)},
		{proc: "construction-permit", assignee: an, received: true, due: at(1)},  // due soon
		{proc: "construction-permit", assignee: an, received: true, due: at(-3)}, // overdue
		{proc: "construction-permit", assignee: binh, received: true, due: at(-0.1)},
		{proc: "construction-permit", received: true, due: at(0.2)},                 // unassigned, due soon
		{proc: "construction-permit", assignee: binh, received: true, due: at(2.5)}, // after the due-soon window
		{proc: "investment-certificate", assignee: an, received: true, due: at(-20), finished: at(-1), outcome: "late"},
		{proc: "investment-certificate", assignee: binh, received: true, due: at(5), finished: at(-2), outcome: "early"},
		{proc: "investment-certificate", assignee: cuong, received: true, due: at(0), finished: &monthStart, outcome: "on_time"},
		{proc: "investment-certificate", assignee: cuong, received: true, due: at(0), finished: &lastMonth, outcome: "late"},
		{proc: "environmental-licence", assignee: dung, received: true, due: at(-30), finished: &lastMonth, outcome: "early"},
		{proc: "environmental-licence", assignee: dung, received: true, due: at(-300), finished: &lastYear, outcome: "on_time"},
		{proc: "union-registration", received: true, due: at(-400), finished: &lastYear, outcome: "late"}, // only old: a zero row
		{proc: "feasibility-appraisal", assignee: an, received: true, due: at(-1), finished: at(-0.5), outcome: "early"},
		{proc: "feasibility-appraisal", assignee: an, received: true, due: at(-1), otherBoards: true},
	}
	for i, m := range mixes {
		board := b
		if m.otherBoards {
			board = boards[1].ID
		}
		d := models.Dossier{Code: fmt.Sprintf("DASH-%03d", i), BoardID: board, Procedure: m.proc, CatalogueVersion: "v1",
			Variant: "new", Channel: models.ChannelDirect, ApplicantName: "Công ty TNHH Thử", State: "in_review",
			Version: 1, SubmittedAt: now.AddDate(0, -2, 0), ClockState: "running", AssigneeID: m.assignee,
			DueAt: m.due, FinishedAt: m.finished, Outcome: m.outcome}
		if m.received {
			d.ReceivedAt = at(-40)
		}
		if err := db.Create(&d).Error; err != nil {
			t.Fatal(err)
		}
	}
	return b
}

// TestDashboardSameNumbers: over a mixed data set on both databases, the
// dashboard reads only the open dossiers and those finished since the
// month start, and every count of every group is what the reference
// (every dossier of the board) computes; the reference's other groups are
// the ones all of whose counts are zero.
func TestDashboardSameNumbers(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		now := time.Date(2026, 12, 16, 10, 0, 0, 0, deadlines.Location)
		soon := time.Date(2026, 12, 18, 23, 59, 59, 0, deadlines.Location)
		month := time.Date(2026, 12, 1, 0, 0, 0, 0, deadlines.Location)
		board := dashboardMix(t, db, now)
		groups, err := models.Dashboard(ctx, db, board, now, soon, month)
		if err != nil {
			t.Fatal(err)
		}
		for group, got := range map[string][]models.DashboardRow{"procedure": groups.ByProcedure,
			"department": groups.ByDepartment, "officer": groups.ByOfficer} {
			ref, err := dashboardBefore(ctx, db, board, group, now, soon, month)
			if err != nil {
				t.Fatal(err)
			}
			var kept, dropped []models.DashboardRow
			for _, r := range ref {
				if r.Open+r.DueSoon+r.Overdue+r.Early+r.OnTime+r.Late == 0 {
					dropped = append(dropped, r)
				} else {
					kept = append(kept, r)
				}
			}
			if !reflect.DeepEqual(got, kept) {
				t.Errorf("by %s:\n got %+v\nwant %+v", group, got, kept)
			}
			if len(got) < 2 {
				t.Errorf("by %s: %d groups, the mix has more", group, len(got))
			}
			t.Logf("by %s: %d groups, %d all-zero groups of the reference left out %+v", group, len(got), len(dropped), dropped)
		}
		// The mix covers every column, and the left-out groups exist.
		rows := groups.ByProcedure
		var sum models.DashboardRow
		for _, r := range rows {
			sum.Open, sum.DueSoon, sum.Overdue = sum.Open+r.Open, sum.DueSoon+r.DueSoon, sum.Overdue+r.Overdue
			sum.Early, sum.OnTime, sum.Late = sum.Early+r.Early, sum.OnTime+r.OnTime, sum.Late+r.Late
		}
		want := models.DashboardRow{Open: 6, DueSoon: 3, Overdue: 3, Early: 2, OnTime: 1, Late: 1}
		if sum != want {
			t.Errorf("totals %+v, want %+v", sum, want)
		}
		for _, r := range rows {
			if r.GroupKey == "union-registration" {
				t.Errorf("a procedure whose dossiers all finished a year ago is shown: %+v", r)
			}
		}
	})
}

// TestDashboardUsesIndex: on PostgreSQL the dashboard reads the board's
// open and recently finished dossiers through idx_dossiers_board_finished,
// not the board's whole history.
func TestDashboardUsesIndex(t *testing.T) {
	db := modelstest.Postgres(t)
	now := time.Date(2026, 12, 16, 10, 0, 0, 0, deadlines.Location)
	board := dashboardMix(t, db, now)
	c := &sqlCapture{Interface: logger.Default.LogMode(logger.Silent)}
	_, err := models.Dashboard(context.Background(), db.Session(&gorm.Session{Logger: c}), board, now,
		now.AddDate(0, 0, 2), now.AddDate(0, 0, -15))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.sqls) != 1 {
		t.Fatalf("captured %d statements, want 1", len(c.sqls))
	}
	sqls := c.sqls
	for _, sql := range sqls {
		var plan []string
		err := db.Transaction(func(tx *gorm.DB) error {
			if err := tx.Exec("SET LOCAL enable_seqscan = off").Error; err != nil {
				return err
			}
			return tx.Raw("EXPLAIN " + sql).Scan(&plan).Error
		})
		if err != nil {
			t.Fatal(err)
		}
		if joined := strings.Join(plan, "\n"); !strings.Contains(joined, "idx_dossiers_board_finished") {
			t.Errorf("the dashboard's plan does not use idx_dossiers_board_finished:\n%s", joined)
		}
	}
}

// sqlCapture is a silent gorm logger that keeps the statements run, as
// run (arguments written in).
type sqlCapture struct {
	logger.Interface
	sqls []string
}

func (c *sqlCapture) Trace(_ context.Context, _ time.Time, fc func() (string, int64), _ error) {
	sql, _ := fc()
	c.sqls = append(c.sqls, sql)
}
