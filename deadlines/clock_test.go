package deadlines

import (
	"errors"
	"testing"

	"github.com/motcua/motcua/errs"
)

// rules10 is a 10-working-day procedure with the ND 61/2018 defaults.
func rules10(s SupplementRule) Rules {
	return Rules{
		Period:          Period{Days: 10, Unit: WorkingDays},
		Cutoff:          TimeOfDay{Hour: 15},
		Supplement:      s,
		MaxExtensions:   1,
		ApologyLeadDays: 1,
	}
}

func wantCode(t *testing.T, err error, code, field string) {
	t.Helper()
	var re *errs.Error
	if !errors.As(err, &re) || re.Kind != errs.KindRule {
		t.Fatalf("error = %v, want a rule error %s", err, code)
	}
	if re.Code != code || re.Field != field || re.VI == "" || re.EN == "" || re.Error() != re.VI+" / "+re.EN {
		t.Errorf("rule error = %+v, want code %q field %q and a message in both languages", re, code, field)
	}
}

func mustNil(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func startedClock(t *testing.T, c *Calendar, received string, r Rules) *Clock {
	t.Helper()
	clk := &Clock{}
	mustNil(t, c.Start(clk, at(t, received), r))
	return clk
}

func TestClockStart(t *testing.T) {
	c := testCalendar(t)
	tests := []struct {
		received  string
		period    Period
		wantStart string
		wantDueAt string
		why       string
	}{
		{"2024-03-04 10:00:00", Period{10, WorkingDays}, "2024-03-04 00:00:00", "2024-03-18 23:59:59", "Monday morning, no holiday"},
		{"2024-03-04 15:00:00", Period{10, WorkingDays}, "2024-03-05 00:00:00", "2024-03-19 23:59:59", "Monday 15:00"},
		{"2026-02-13 16:00:00", Period{5, WorkingDays}, "2026-02-23 00:00:00", "2026-03-02 23:59:59", "Friday before Tết 2026, after the cut-off"},
		{"2024-03-01 10:00:00", Period{30, CalendarDays}, "2024-03-01 00:00:00", "2024-04-01 23:59:59", "30 days ending Sunday 31/03/2024"},
	}
	for _, tt := range tests {
		r := rules10(RulePause)
		r.Period = tt.period
		clk := startedClock(t, c, tt.received, r)
		if clk.State != ClockRunning || stamp(clk.StartedAt) != tt.wantStart || stamp(clk.DueAt) != tt.wantDueAt {
			t.Errorf("%s: state %s, started %s, due %s; want running, %s, %s",
				tt.why, clk.State, stamp(clk.StartedAt), stamp(clk.DueAt), tt.wantStart, tt.wantDueAt)
		}
	}
}

func TestClockPauseKeepsRemaining(t *testing.T) {
	c := testCalendar(t)
	r := rules10(RulePause)
	clk := startedClock(t, c, "2024-03-04 10:00:00", r) // due 18/03/2024
	mustNil(t, c.Suspend(clk, at(t, "2024-03-08 10:00:00"), r))
	// Remaining: 11, 12, 13, 14, 15, 18 March = 6 working days.
	if clk.State != ClockPaused || clk.RemainingDays != 6 || clk.DueAt != nil || stamp(clk.PausedAt) != "2024-03-08 10:00:00" {
		t.Fatalf("after Suspend: %+v, want paused, 6 remaining, no DueAt", clk)
	}
	mustNil(t, c.Resume(clk, at(t, "2024-03-13 09:00:00"), r))
	// 6 working days after Wed 13/03: 14, 15, 18, 19, 20, 21.
	if clk.State != ClockRunning || stamp(clk.StartedAt) != "2024-03-13 00:00:00" || stamp(clk.DueAt) != "2024-03-21 23:59:59" {
		t.Errorf("after Resume: started %s due %s, want 2024-03-13 and 2024-03-21 23:59:59", stamp(clk.StartedAt), stamp(clk.DueAt))
	}
	// Paused 08/03 10:00 → 13/03 09:00: working days 11, 12, 13; 4 days 23 hours.
	if clk.PausedDays != 3 || clk.PausedSeconds != 428400 || clk.PausedAt != nil {
		t.Errorf("paused totals = %d days %d s (PausedAt %s), want 3 days 428400 s", clk.PausedDays, clk.PausedSeconds, stamp(clk.PausedAt))
	}
}

func TestClockResumeAfterCutoff(t *testing.T) {
	c := testCalendar(t)
	r := rules10(RulePause)
	clk := startedClock(t, c, "2024-03-04 10:00:00", r)
	mustNil(t, c.Suspend(clk, at(t, "2024-03-08 10:00:00"), r))
	mustNil(t, c.Resume(clk, at(t, "2024-03-13 16:00:00"), r))
	// Starts Thu 14/03; 6 working days: 15, 18, 19, 20, 21, 22.
	if stamp(clk.DueAt) != "2024-03-22 23:59:59" {
		t.Errorf("DueAt = %s, want 2024-03-22 23:59:59", stamp(clk.DueAt))
	}
}

func TestClockPauseAcrossTet(t *testing.T) {
	c := testCalendar(t)
	r := rules10(RulePause)
	clk := startedClock(t, c, "2026-02-02 09:00:00", r) // Mon 02/02/2026
	// 10 working days after 02/02: 3, 4, 5, 6, 9, 10, 11, 12, 13, 23 (16-22 Tết).
	if stamp(clk.DueAt) != "2026-02-23 23:59:59" {
		t.Fatalf("DueAt = %s, want 2026-02-23 23:59:59", stamp(clk.DueAt))
	}
	mustNil(t, c.Suspend(clk, at(t, "2026-02-11 10:00:00"), r)) // remaining: 12, 13, 23 = 3
	if clk.RemainingDays != 3 {
		t.Fatalf("RemainingDays = %d, want 3", clk.RemainingDays)
	}
	mustNil(t, c.Resume(clk, at(t, "2026-02-24 10:00:00"), r)) // 25, 26, 27
	// Paused working days in (11/02, 24/02]: 12, 13, 23, 24.
	if stamp(clk.DueAt) != "2026-02-27 23:59:59" || clk.PausedDays != 4 {
		t.Errorf("DueAt = %s, PausedDays = %d; want 2026-02-27 23:59:59 and 4", stamp(clk.DueAt), clk.PausedDays)
	}
}

func TestClockRestartGivesFullPeriod(t *testing.T) {
	c := testCalendar(t)
	r := rules10(RuleRestart)
	clk := startedClock(t, c, "2024-03-04 10:00:00", r)
	mustNil(t, c.Suspend(clk, at(t, "2024-03-08 10:00:00"), r))
	if clk.DueAt != nil || clk.RemainingDays != 6 {
		t.Fatalf("after Suspend: DueAt %s remaining %d, want nil and 6", stamp(clk.DueAt), clk.RemainingDays)
	}
	mustNil(t, c.Resume(clk, at(t, "2024-03-13 09:00:00"), r))
	// 10 working days after 13/03: 14, 15, 18, 19, 20, 21, 22, 25, 26, 27.
	if stamp(clk.StartedAt) != "2024-03-13 00:00:00" || stamp(clk.DueAt) != "2024-03-27 23:59:59" {
		t.Errorf("after Resume: started %s due %s, want 2024-03-13 and 2024-03-27 23:59:59", stamp(clk.StartedAt), stamp(clk.DueAt))
	}
}

func TestClockNegativeRemainingStaysLate(t *testing.T) {
	c := testCalendar(t)
	r := rules10(RulePause)
	r.Period = Period{Days: 3, Unit: WorkingDays}
	clk := startedClock(t, c, "2024-03-04 10:00:00", r) // due Thu 07/03
	mustNil(t, c.Suspend(clk, at(t, "2024-03-12 10:00:00"), r))
	// Late by 8, 11, 12 March.
	if clk.RemainingDays != -3 {
		t.Fatalf("RemainingDays = %d, want -3", clk.RemainingDays)
	}
	mustNil(t, c.Resume(clk, at(t, "2024-03-15 10:00:00"), r))
	if stamp(clk.DueAt) != "2024-03-07 23:59:59" {
		t.Errorf("DueAt = %s, want the old appointment 2024-03-07 23:59:59", stamp(clk.DueAt))
	}
	out, err := c.Finish(clk, at(t, "2024-03-18 10:00:00"))
	if err != nil || out != Late || clk.Outcome != Late {
		t.Errorf("Finish = %s, %v; want late", out, err)
	}
}

func TestClockNegativeRemainingCalendarDays(t *testing.T) {
	c := testCalendar(t)
	r := rules10(RulePause)
	r.Period = Period{Days: 3, Unit: CalendarDays}
	clk := startedClock(t, c, "2024-03-04 10:00:00", r) // due Thu 07/03
	mustNil(t, c.Suspend(clk, at(t, "2024-03-12 10:00:00"), r))
	if clk.RemainingDays != -5 {
		t.Fatalf("RemainingDays = %d, want -5", clk.RemainingDays)
	}
	mustNil(t, c.Resume(clk, at(t, "2024-03-15 10:00:00"), r))
	if stamp(clk.DueAt) != "2024-03-07 23:59:59" {
		t.Errorf("DueAt = %s, want 2024-03-07 23:59:59", stamp(clk.DueAt))
	}
}

func TestClockCalendarDaysPause(t *testing.T) {
	c := testCalendar(t)
	r := rules10(RulePause)
	r.Period = Period{Days: 30, Unit: CalendarDays}
	clk := startedClock(t, c, "2024-03-01 10:00:00", r) // due Mon 01/04 (31/03 is a Sunday)
	mustNil(t, c.Suspend(clk, at(t, "2024-03-11 10:00:00"), r))
	if clk.RemainingDays != 21 {
		t.Fatalf("RemainingDays = %d, want 21", clk.RemainingDays)
	}
	mustNil(t, c.Resume(clk, at(t, "2024-03-18 09:00:00"), r))
	if stamp(clk.DueAt) != "2024-04-08 23:59:59" {
		t.Errorf("DueAt = %s, want 2024-04-08 23:59:59", stamp(clk.DueAt))
	}
}

func TestClockExtend(t *testing.T) {
	c := testCalendar(t)
	limit := Period{Days: 10, Unit: WorkingDays}
	tests := []struct {
		name      string
		prepare   func(*Clock, Rules) // extra steps before the tested Extend
		limit     *Period
		at        string
		newDue    string
		wantCode  string
		wantField string
		wantDueAt string
	}{
		{name: "first extension", at: "2024-03-15 10:00:00", newDue: "2024-03-25", wantDueAt: "2024-03-25 23:59:59"},
		{name: "last allowed day (one day before)", at: "2024-03-17 23:00:00", newDue: "2024-03-25", wantDueAt: "2024-03-25 23:59:59"},
		{name: "too late: on the appointment date", at: "2024-03-18 09:00:00", newDue: "2024-03-25", wantCode: "extension_too_late"},
		{name: "new date not after due", at: "2024-03-15 10:00:00", newDue: "2024-03-18", wantCode: "extension_date_not_after_due", wantField: "new_due_date"},
		{name: "new date before due", at: "2024-03-15 10:00:00", newDue: "2024-03-14", wantCode: "extension_date_not_after_due", wantField: "new_due_date"},
		{name: "new date a Saturday", at: "2024-03-15 10:00:00", newDue: "2024-03-23", wantCode: "extension_date_rest_day", wantField: "new_due_date"},
		{name: "new date a holiday", at: "2024-03-15 10:00:00", newDue: "2024-04-18", wantCode: "extension_date_rest_day", wantField: "new_due_date"},
		{name: "within the limit", limit: &limit, at: "2024-03-15 10:00:00", newDue: "2024-04-01", wantDueAt: "2024-04-01 23:59:59"},
		{name: "beyond the limit", limit: &limit, at: "2024-03-15 10:00:00", newDue: "2024-04-02", wantCode: "extension_too_long", wantField: "new_due_date"},
		{name: "second extension refused", at: "2024-03-20 10:00:00", newDue: "2024-03-28", wantCode: "extension_limit",
			prepare: func(clk *Clock, r Rules) {
				mustNil(t, c.Extend(clk, at(t, "2024-03-15 10:00:00"), day(t, "2024-03-25"), r))
			}},
		{name: "paused clock", at: "2024-03-15 10:00:00", newDue: "2024-03-25", wantCode: "clock_not_running",
			prepare: func(clk *Clock, r Rules) { mustNil(t, c.Suspend(clk, at(t, "2024-03-12 10:00:00"), r)) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := rules10(RulePause)
			r.ExtensionLimit = tt.limit
			clk := startedClock(t, c, "2024-03-04 10:00:00", r) // due 18/03/2024
			if tt.prepare != nil {
				tt.prepare(clk, r)
			}
			before := *clk
			err := c.Extend(clk, at(t, tt.at), day(t, tt.newDue), r)
			if tt.wantCode != "" {
				wantCode(t, err, tt.wantCode, tt.wantField)
				if clk.Extensions != before.Extensions || stamp(clk.DueAt) != stamp(before.DueAt) {
					t.Errorf("refused Extend changed the clock: %+v", clk)
				}
				return
			}
			mustNil(t, err)
			if stamp(clk.DueAt) != tt.wantDueAt || stamp(clk.OriginalDueAt) != "2024-03-18 23:59:59" || clk.Extensions != 1 {
				t.Errorf("after Extend: due %s original %s extensions %d; want %s, 2024-03-18 23:59:59, 1",
					stamp(clk.DueAt), stamp(clk.OriginalDueAt), clk.Extensions, tt.wantDueAt)
			}
		})
	}
}

func TestClockFinish(t *testing.T) {
	c := testCalendar(t)
	r := rules10(RulePause)
	tests := []struct {
		name    string
		suspend string // pause instant, "" for none
		finish  string
		want    Outcome
		paused  int   // want PausedDays
		pausedS int64 // want PausedSeconds
	}{
		{name: "running, early", finish: "2024-03-15 16:00:00", want: Early},
		{name: "running, on time", finish: "2024-03-18 16:00:00", want: OnTime},
		{name: "running, late", finish: "2024-03-19 08:00:00", want: Late},
		// Paused 13/03 10:00 with 3 days left (14, 15, 18); finished 20/03 10:00.
		{name: "paused with days left", suspend: "2024-03-13 10:00:00", finish: "2024-03-20 10:00:00", want: Early, paused: 5, pausedS: 7 * 86400},
		// Paused on the appointment date: 0 left.
		{name: "paused on the due date", suspend: "2024-03-18 10:00:00", finish: "2024-03-20 10:00:00", want: OnTime, paused: 2, pausedS: 2 * 86400},
		// Paused after the appointment date: late.
		{name: "paused when late", suspend: "2024-03-19 10:00:00", finish: "2024-03-20 10:00:00", want: Late, paused: 1, pausedS: 86400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := startedClock(t, c, "2024-03-04 10:00:00", r) // due 18/03/2024
			if tt.suspend != "" {
				mustNil(t, c.Suspend(clk, at(t, tt.suspend), r))
			}
			out, err := c.Finish(clk, at(t, tt.finish))
			mustNil(t, err)
			if out != tt.want || clk.Outcome != tt.want || clk.State != ClockStopped || stamp(clk.FinishedAt) != tt.finish {
				t.Errorf("Finish = %s, clock %+v; want %s, stopped at %s", out, clk, tt.want, tt.finish)
			}
			if clk.PausedDays != tt.paused || clk.PausedSeconds != tt.pausedS {
				t.Errorf("paused totals = %d days %d s, want %d days %d s", clk.PausedDays, clk.PausedSeconds, tt.paused, tt.pausedS)
			}
			_, err = c.Finish(clk, at(t, tt.finish))
			wantCode(t, err, "clock_stopped", "")
		})
	}
}

func TestClockFinishIdle(t *testing.T) {
	c := testCalendar(t)
	clk := &Clock{}
	out, err := c.Finish(clk, at(t, "2024-03-04 10:00:00"))
	if err != nil || out != "" || clk.Outcome != "" || clk.State != ClockStopped || stamp(clk.FinishedAt) != "2024-03-04 10:00:00" {
		t.Errorf("Finish(idle) = %q, %v, clock %+v; want stopped with no outcome", out, err, clk)
	}
}

func TestClockWrongState(t *testing.T) {
	c := testCalendar(t)
	r := rules10(RulePause)
	now := at(t, "2024-03-04 10:00:00")

	idle := &Clock{State: ClockIdle}
	wantCode(t, c.Suspend(idle, now, r), "clock_not_running", "")
	wantCode(t, c.Resume(idle, now, r), "clock_not_paused", "")
	wantCode(t, c.Extend(idle, now, day(t, "2024-03-25"), r), "clock_not_running", "")

	running := startedClock(t, c, "2024-03-04 10:00:00", r)
	wantCode(t, c.Start(running, now, r), "clock_not_idle", "")
	wantCode(t, c.Resume(running, now, r), "clock_not_paused", "")

	stopped := &Clock{State: ClockStopped}
	wantCode(t, c.Start(stopped, now, r), "clock_not_idle", "")
	wantCode(t, c.Suspend(stopped, now, r), "clock_not_running", "")
}

func TestRulesValidate(t *testing.T) {
	c := testCalendar(t)
	bad := []Rules{
		{Period: Period{10, "weeks"}, Cutoff: TimeOfDay{Hour: 15}, Supplement: RulePause},
		{Period: Period{10, WorkingDays}, Supplement: RulePause}, // cut-off 00:00
		{Period: Period{10, WorkingDays}, Cutoff: TimeOfDay{Hour: 15}},
		{Period: Period{10, WorkingDays}, Cutoff: TimeOfDay{Hour: 15}, Supplement: RulePause, MaxExtensions: -1},
		{Period: Period{10, WorkingDays}, Cutoff: TimeOfDay{Hour: 15}, Supplement: RulePause, ExtensionLimit: &Period{-1, WorkingDays}},
	}
	for i, r := range bad {
		if err := c.Start(&Clock{}, at(t, "2024-03-04 10:00:00"), r); err == nil {
			t.Errorf("rules %d: Start accepted invalid rules %+v", i, r)
		} else if _, isRule := err.(*errs.Error); isRule {
			t.Errorf("rules %d: invalid configuration reported as a rule error: %v", i, err)
		}
	}
}

func TestStepDue(t *testing.T) {
	c := testCalendar(t)
	cutoff := TimeOfDay{Hour: 15}
	tests := []struct {
		entered string
		p       Period
		want    string
	}{
		{"2024-03-04 16:00:00", Period{2, WorkingDays}, "2024-03-07 23:59:59"},
		{"2024-03-04 10:00:00", Period{2, WorkingDays}, "2024-03-06 23:59:59"},
		{"2024-05-03 10:00:00", Period{1, WorkingDays}, "2024-05-04 23:59:59"},
		{"2026-08-28 10:00:00", Period{2, WorkingDays}, "2026-09-04 23:59:59"},
		{"2026-02-13 16:00:00", Period{5, WorkingDays}, "2026-03-02 23:59:59"},
	}
	for _, tt := range tests {
		got := c.StepDue(at(t, tt.entered), tt.p, cutoff)
		if stamp(&got) != tt.want {
			t.Errorf("StepDue(%s, %s) = %s, want %s", tt.entered, tt.p, stamp(&got), tt.want)
		}
	}
}
