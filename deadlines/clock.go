package deadlines

import (
	"fmt"
	"time"

	"github.com/motcua/motcua/errs"
)

// ClockState is the state of a dossier's clock.
type ClockState string

// The clock states.
const (
	ClockIdle    ClockState = "idle"    // not started (zero value "" is idle too)
	ClockRunning ClockState = "running" // counting towards DueAt
	ClockPaused  ClockState = "paused"  // waiting for the investor's supplement
	ClockStopped ClockState = "stopped" // finished, refused or withdrawn
)

// SupplementRule says what a supplementation request does to the clock.
type SupplementRule string

// The supplementation rules.
const (
	// RulePause excludes the time spent supplementing: the remaining period
	// continues on resumption (e.g. ND 96/2026).
	RulePause SupplementRule = "pause"
	// RuleRestart recounts the full period from the complete dossier
	// (ND 61/2018 Art 19(4), ND 217/2026 Art 36(5)).
	RuleRestart SupplementRule = "restart"
)

// Rules are the clock rules of one procedure variant (filled from the YAML
// catalogue by the workflow package).
type Rules struct {
	Period          Period         // the statutory period
	Cutoff          TimeOfDay      // 15:00 (ND 61/2018 Art 18); 24:00 for none
	Supplement      SupplementRule // pause or restart
	MaxExtensions   int            // usually 1 (ND 61/2018 Art 19(9))
	ExtensionLimit  *Period        // nil = unlimited; e.g. feasibility: no longer than the original period
	ApologyLeadDays int            // the apology/extension must be made at least this many calendar days before the appointment date (ND 61: 1)
}

// Validate checks the period, the cut-off (00:00 is refused as a forgotten
// value), the supplementation rule and the extension settings.
func (r Rules) Validate() error {
	if err := r.Period.Validate(); err != nil {
		return err
	}
	if err := r.Cutoff.Validate(); err != nil {
		return err
	}
	if r.Cutoff == (TimeOfDay{}) {
		return fmt.Errorf("deadlines: giờ chốt nhận hồ sơ 00:00 không hợp lệ (ví dụ 15:00; 24:00 nếu không có) / cut-off 00:00 is invalid (e.g. 15:00; 24:00 for none)")
	}
	if r.Supplement != RulePause && r.Supplement != RuleRestart {
		return fmt.Errorf("deadlines: quy tắc bổ sung hồ sơ không hợp lệ %q (pause hoặc restart) / invalid supplement rule %q (pause or restart)", r.Supplement, r.Supplement)
	}
	if r.MaxExtensions < 0 || r.ApologyLeadDays < 0 {
		return fmt.Errorf("deadlines: số lần gia hạn và số ngày báo trước không được âm / max extensions and apology lead days must not be negative")
	}
	if r.ExtensionLimit != nil {
		return r.ExtensionLimit.Validate()
	}
	return nil
}

// Clock is the deadline state of one dossier. The workflow package stores
// it with the dossier and moves it with the methods of Calendar.
type Clock struct {
	State         ClockState
	StartedAt     *time.Time // start day (local midnight) of the current run
	DueAt         *time.Time // EndOfDay(appointment date); nil while paused
	OriginalDueAt *time.Time // set by the first Extend
	PausedAt      *time.Time // set while paused
	RemainingDays int        // signed: period units left when paused (working or calendar days)
	PausedDays    int        // total working days spent paused (for the Decision 766 indicator)
	PausedSeconds int64      // total seconds spent paused
	Extensions    int
	FinishedAt    *time.Time
	Outcome       Outcome // "" until finished with a started clock
}

// A refused clock operation (a transition not allowed in the clock's state
// or a violated rule) is an *errs.Error of kind errs.KindRule, whose Field
// names the offending input field, if any.

// stateError reports an operation attempted in the wrong clock state.
func stateError(code string, clk *Clock, vi, en string) *errs.Error {
	return errs.Rule(code, "", fmt.Sprintf("%s (trạng thái: %s)", vi, clk.state()), fmt.Sprintf("%s (state: %s)", en, clk.state()))
}

// state returns the clock state, the zero value being idle.
func (clk *Clock) state() ClockState {
	if clk.State == "" {
		return ClockIdle
	}
	return clk.State
}

// ptr returns a pointer to a copy of t.
func ptr(t time.Time) *time.Time { return &t }

// Start starts an idle clock at the instant at: the period runs from
// ClockStart(at, r.Cutoff) and DueAt is the end of the appointment date.
func (c *Calendar) Start(clk *Clock, at time.Time, r Rules) error {
	if err := r.Validate(); err != nil {
		return err
	}
	if clk.state() != ClockIdle {
		return stateError("clock_not_idle", clk, "Đồng hồ thời hạn đã được bắt đầu", "The clock has already been started")
	}
	c.run(clk, c.ClockStart(at, r.Cutoff), r.Period)
	return nil
}

// run sets the clock running from start for period p.
func (c *Calendar) run(clk *Clock, start time.Time, p Period) {
	clk.State = ClockRunning
	clk.StartedAt = ptr(start)
	clk.DueAt = ptr(EndOfDay(c.DueDate(start, p)))
	clk.PausedAt = nil
	clk.RemainingDays = 0
}

// Suspend pauses a running clock at the instant at (supplementation
// requested): RemainingDays is the number of period units left after the
// pause date (negative when already late) and DueAt is cleared; Resume sets
// the new appointment.
func (c *Calendar) Suspend(clk *Clock, at time.Time, r Rules) error {
	if err := r.Validate(); err != nil {
		return err
	}
	if clk.state() != ClockRunning || clk.DueAt == nil {
		return stateError("clock_not_running", clk, "Đồng hồ thời hạn không đang chạy", "The clock is not running")
	}
	clk.RemainingDays = c.unitsBetween(at, *clk.DueAt, r.Period.Unit)
	clk.State = ClockPaused
	clk.PausedAt = ptr(at)
	clk.DueAt = nil
	return nil
}

// unitsBetween counts the period units from a's date to b's date: working
// days in (a, b], or calendar days; negative when b is before a.
func (c *Calendar) unitsBetween(a, b time.Time, u Unit) int {
	if u == CalendarDays {
		return calendarDaysBetween(a, b)
	}
	return c.WorkingDaysBetween(a, b)
}

// calendarDaysBetween returns the number of local dates from a to b.
func calendarDaysBetween(a, b time.Time) int {
	ya, ma, da := a.In(Location).Date()
	yb, mb, db := b.In(Location).Date()
	ua := time.Date(ya, ma, da, 0, 0, 0, 0, time.UTC)
	ub := time.Date(yb, mb, db, 0, 0, 0, 0, time.UTC)
	return int(ub.Sub(ua).Hours() / 24)
}

// Resume restarts a paused clock at the instant at (complete supplement
// received). Under RulePause the remaining units run from ClockStart(at);
// if the dossier was already late at the pause (RemainingDays < 0) the old
// appointment date is kept. Under RuleRestart the full period runs again
// from ClockStart(at). The paused time is added to PausedDays and
// PausedSeconds.
func (c *Calendar) Resume(clk *Clock, at time.Time, r Rules) error {
	if err := r.Validate(); err != nil {
		return err
	}
	if clk.state() != ClockPaused || clk.PausedAt == nil {
		return stateError("clock_not_paused", clk, "Đồng hồ thời hạn không đang tạm dừng", "The clock is not paused")
	}
	remaining, pausedAt := clk.RemainingDays, *clk.PausedAt
	c.addPause(clk, at)
	start := c.ClockStart(at, r.Cutoff)
	switch {
	case r.Supplement == RuleRestart:
		c.run(clk, start, r.Period)
	case remaining >= 0:
		c.run(clk, start, Period{Days: remaining, Unit: r.Period.Unit})
	default:
		due := c.pastDue(pausedAt, remaining, r.Period.Unit)
		c.run(clk, start, Period{Unit: r.Period.Unit})
		clk.DueAt = ptr(EndOfDay(due))
	}
	return nil
}

// pastDue recovers the appointment date of a clock paused late: the date
// whose distance to the pause date was remaining (< 0) units. Appointment
// dates are working days, so for working days it is the (1-remaining)-th
// working day counted back from the pause date inclusive.
func (c *Calendar) pastDue(pausedAt time.Time, remaining int, u Unit) time.Time {
	if u == CalendarDays {
		return DateOf(pausedAt).AddDate(0, 0, remaining)
	}
	return c.AddWorkingDays(c.AddWorkingDays(pausedAt, 1), remaining-1)
}

// addPause adds the time from PausedAt to at to the paused totals and
// clears PausedAt.
func (c *Calendar) addPause(clk *Clock, at time.Time) {
	if secs := int64(at.Sub(*clk.PausedAt) / time.Second); secs > 0 {
		clk.PausedSeconds += secs
	}
	if days := c.WorkingDaysBetween(*clk.PausedAt, at); days > 0 {
		clk.PausedDays += days
	}
	clk.PausedAt = nil
}

// Extend moves the appointment of a running clock to newDue (apology letter,
// form 04): at most r.MaxExtensions times, at least r.ApologyLeadDays
// calendar days before the current appointment date, to a later working day,
// and within r.ExtensionLimit counted from the current appointment if set.
// The first extension keeps the original appointment in OriginalDueAt.
func (c *Calendar) Extend(clk *Clock, at time.Time, newDue time.Time, r Rules) error {
	if err := r.Validate(); err != nil {
		return err
	}
	if clk.state() != ClockRunning || clk.DueAt == nil {
		return stateError("clock_not_running", clk, "Chỉ gia hạn được khi đồng hồ thời hạn đang chạy", "Only a running clock can be extended")
	}
	if err := c.checkExtension(clk, at, newDue, r); err != nil {
		return err
	}
	if clk.OriginalDueAt == nil {
		clk.OriginalDueAt = ptr(*clk.DueAt)
	}
	clk.DueAt = ptr(EndOfDay(newDue))
	clk.Extensions++
	return nil
}

// checkExtension applies the extension rules in order.
func (c *Calendar) checkExtension(clk *Clock, at, newDue time.Time, r Rules) error {
	due := DateOf(*clk.DueAt)
	nd := DateOf(newDue)
	if clk.Extensions >= r.MaxExtensions {
		return errs.Rule("extension_limit", "", fmt.Sprintf("Đã gia hạn tối đa %d lần", r.MaxExtensions),
			fmt.Sprintf("The appointment may be moved at most %d time(s)", r.MaxExtensions))
	}
	if latest := due.AddDate(0, 0, -r.ApologyLeadDays); DateOf(at).After(latest) {
		return errs.Rule("extension_too_late", "",
			fmt.Sprintf("Phải xin lỗi và hẹn lại chậm nhất ngày %s (%d ngày trước ngày hẹn %s)", formatDate(latest), r.ApologyLeadDays, formatDate(due)),
			fmt.Sprintf("The apology and new appointment are due by %s (%d day(s) before the appointment date %s)", formatDate(latest), r.ApologyLeadDays, formatDate(due)))
	}
	if !nd.After(due) {
		return errs.Rule("extension_date_not_after_due", "new_due_date",
			fmt.Sprintf("Ngày hẹn mới %s phải sau ngày hẹn hiện tại %s", formatDate(nd), formatDate(due)),
			fmt.Sprintf("The new appointment date %s must be after the current one, %s", formatDate(nd), formatDate(due)))
	}
	if !c.IsWorkingDay(nd) {
		return errs.Rule("extension_date_rest_day", "new_due_date", fmt.Sprintf("Ngày hẹn mới %s là ngày nghỉ", formatDate(nd)),
			fmt.Sprintf("The new appointment date %s is not a working day", formatDate(nd)))
	}
	if r.ExtensionLimit != nil {
		if limit := c.DueDate(due, *r.ExtensionLimit); nd.After(limit) {
			return errs.Rule("extension_too_long", "new_due_date",
				fmt.Sprintf("Chỉ được gia hạn tối đa %s, đến ngày %s", r.ExtensionLimit, formatDate(limit)),
				fmt.Sprintf("The extension may not exceed %s, i.e. %s", r.ExtensionLimit, formatDate(limit)))
		}
	}
	return nil
}

// Finish stops the clock at the instant at (result approved or refused,
// dossier withdrawn) and returns the outcome. A running clock is classified
// against DueAt; a paused one by RemainingDays at the pause (> 0 early,
// 0 on time, < 0 late), its pause lasting until at; a clock never started
// stops with no outcome.
func (c *Calendar) Finish(clk *Clock, at time.Time) (Outcome, error) {
	var out Outcome
	switch clk.state() {
	case ClockIdle:
	case ClockRunning:
		if clk.DueAt == nil {
			return "", stateError("clock_inconsistent", clk, "Đồng hồ thời hạn thiếu ngày hẹn", "The clock has no appointment date")
		}
		out = Classify(at, *clk.DueAt)
	case ClockPaused:
		out = outcomeOfRemaining(clk.RemainingDays)
		if clk.PausedAt != nil {
			c.addPause(clk, at)
		}
	default:
		return "", stateError("clock_stopped", clk, "Đồng hồ thời hạn đã dừng", "The clock has already stopped")
	}
	clk.State = ClockStopped
	clk.FinishedAt = ptr(at)
	clk.Outcome = out
	return out, nil
}

// outcomeOfRemaining classifies a dossier finished while paused.
func outcomeOfRemaining(remaining int) Outcome {
	switch {
	case remaining > 0:
		return Early
	case remaining == 0:
		return OnTime
	}
	return Late
}

// StepDue returns the deadline instant of one step of the control sheet
// (form 05): the end of the appointment date of period p counted from
// ClockStart(entered, cutoff).
func (c *Calendar) StepDue(entered time.Time, p Period, cutoff TimeOfDay) time.Time {
	return EndOfDay(c.DueDate(c.ClockStart(entered, cutoff), p))
}
