package workflow

import (
	"fmt"
	"strings"
)

// findInitial returns the version's initial state, or "".
func findInitial(v *Version) State {
	for _, s := range v.States {
		if s.Kind == KindInitial {
			return s.Code
		}
	}
	return ""
}

// graph checks that every state is reachable from the initial state and
// that every open state has a way out (an event leading to another state;
// extend, which keeps the state, does not count).
func (c *checker) graph(v *Version) {
	start := findInitial(v)
	if start == "" {
		return // reported as FaultInitial
	}
	reached := reachable(v, start)
	for _, s := range v.States {
		if !reached[s.Code] {
			c.add(s.Line, FaultUnreachableState, "state %s is not reachable from %s through events", s.Code, start)
		}
		if s.Kind != KindFinal && !hasExit(v, s.Code) {
			c.add(s.Line, FaultDeadEnd, "state %s is not final but no event leads out of it", s.Code)
		}
	}
}

// reachable returns the states reachable from start through events.
func reachable(v *Version, start State) map[State]bool {
	seen := map[State]bool{start: true}
	queue := []State{start}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		for _, e := range v.EventsFrom(s) {
			if e.To != "" && !seen[e.To] {
				seen[e.To] = true
				queue = append(queue, e.To)
			}
		}
	}
	return seen
}

// hasExit reports whether some event leads from s to another state.
func hasExit(v *Version, s State) bool {
	for _, e := range v.EventsFrom(s) {
		if e.To != "" && e.To != s {
			return true
		}
	}
	return false
}

// expiries checks each on_step_expiry: its event must be allowed from the
// state, the system role must be able to fire it, the state must have a
// step deadline, and the expiry must cite its basis.
func (c *checker) expiries(v *Version) {
	for i := range v.States {
		s := &v.States[i]
		x := s.OnStepExpiry
		if x == nil {
			continue
		}
		line := lineOr(x.Line, s.Line)
		e, ok := v.Event(x.Event)
		switch {
		case !ok || !contains(e.From, s.Code):
			c.add(line, FaultBadExpiry, "state %s: on_step_expiry event %q is not allowed from %s", s.Code, x.Event, s.Code)
		case !contains(e.Roles, RoleSystem):
			c.add(line, FaultBadExpiry, "state %s: on_step_expiry event %s must allow role system", s.Code, x.Event)
		case !timed(v, s):
			c.add(line, FaultBadExpiry, "state %s has on_step_expiry but no step deadline", s.Code)
		}
		c.basis(x.Basis, line, "on_step_expiry of state "+string(s.Code))
	}
}

// clockMode is where the statutory clock stands while a dossier is in a
// state.
type clockMode int

// Clock modes along a path of events.
const (
	modeNotStarted clockMode = iota
	modeRunning
	modeSuspended
	modeStopped
)

// after returns the clock mode after an event with effect ce.
func (m clockMode) after(ce ClockEffect) clockMode {
	switch ce {
	case ClockStart, ClockResume:
		return modeRunning
	case ClockSuspend:
		return modeSuspended
	case ClockStop:
		return modeStopped
	}
	return m
}

// clockRunning returns the states in which the statutory clock runs on some
// path from the initial state: entered after the clock started, not by a
// suspend event and not after a stop event.
func clockRunning(v *Version) map[State]bool {
	type node struct {
		s State
		m clockMode
	}
	start := node{findInitial(v), modeNotStarted}
	seen := map[node]bool{start: true}
	queue := []node{start}
	running := map[State]bool{}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		if n.m == modeRunning {
			running[n.s] = true
		}
		for _, e := range v.EventsFrom(n.s) {
			next := node{e.To, n.m.after(e.Clock)}
			if e.To != "" && !seen[next] {
				seen[next] = true
				queue = append(queue, next)
			}
		}
	}
	return running
}

// steps checks, per variant, that the step deadlines of the states where
// the clock runs add up to no more than the variant's period, in the same
// unit.
func (c *checker) steps(v *Version) {
	if findInitial(v) == "" {
		return
	}
	running := clockRunning(v)
	for i := range v.Variants {
		c.variantSteps(v, &v.Variants[i], running)
	}
}

// variantSteps checks one variant's step sum against its period.
func (c *checker) variantSteps(v *Version, vr *Variant, running map[State]bool) {
	sum := 0
	var parts []string
	for i := range v.States {
		s := &v.States[i]
		d := stepDays(s, vr)
		if !running[s.Code] || d == 0 {
			continue
		}
		if s.StepUnit != "" && s.StepUnit != vr.Period.Unit {
			c.add(s.Line, FaultBadPeriod, "state %s: step_unit %s differs from variant %s's unit %s while the clock runs",
				s.Code, s.StepUnit, vr.Code, vr.Period.Unit)
		}
		sum += d
		parts = append(parts, fmt.Sprintf("%s %d", s.Code, d))
	}
	if sum > vr.Period.Days {
		c.add(vr.Line, FaultStepsExceedPeriod,
			"version %s, variant %s: step deadlines where the clock runs sum to %d (%s), past the period of %s",
			v.ID, vr.Code, sum, strings.Join(parts, " + "), vr.Period)
	}
}
