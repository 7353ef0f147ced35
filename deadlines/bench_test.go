package deadlines

import "testing"

func BenchmarkDueDate(b *testing.B) {
	c := testCalendar(b)
	start := day(b, "2026-01-05")
	p := Period{Days: 60, Unit: WorkingDays}
	b.ReportAllocs()
	for b.Loop() {
		c.DueDate(start, p)
	}
}

func BenchmarkStepDue(b *testing.B) {
	c := testCalendar(b)
	entered := at(b, "2026-02-13 16:00:00")
	p := Period{Days: 5, Unit: WorkingDays}
	cutoff := TimeOfDay{Hour: 15}
	b.ReportAllocs()
	for b.Loop() {
		c.StepDue(entered, p, cutoff)
	}
}
