package reports_test

import (
	"path/filepath"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/motcua/motcua/reports"
	"github.com/motcua/motcua/workflow/workflowtest"
)

// hoaBinhSentence is what the Hòa Bình board published for the first half
// of 2024 (shared/LEGAL.md §4), from the figures in boards.yaml.
const hoaBinhSentence = "tiếp nhận 15 hồ sơ và 4 hồ sơ từ kỳ trước chuyển sang, đã giải quyết và trả kết quả " +
	"trước hạn 17 hồ sơ, 2 hồ sơ đang trong thời gian giải quyết"

// TestNarrativeHoaBinh rebuilds the published sentence from the figures
// the board reported, read from the demo boards file.
func TestNarrativeHoaBinh(t *testing.T) {
	var file struct {
		Boards []struct {
			Code     string
			Reported struct {
				Period   string
				Dossiers struct {
					Received      int `yaml:"received"`
					CarriedOver   int `yaml:"carried_over"`
					ResolvedEarly int `yaml:"resolved_early"`
					InProgress    int `yaml:"in_progress"`
				}
			}
		}
	}
	if err := yaml.Unmarshal(workflowtest.ReadFile(t, filepath.Join(workflowtest.ConfigDir(), "demo", "boards.yaml")), &file); err != nil {
		t.Fatal(err)
	}
	for _, b := range file.Boards {
		if b.Code != "HBI" {
			continue
		}
		if b.Reported.Period != "2024-H1" || period(t, b.Reported.Period).Label.VI != "6 tháng đầu năm 2024" {
			t.Fatalf("Hòa Bình's reported period is %q", b.Reported.Period)
		}
		x := b.Reported.Dossiers
		total := reports.Row{ReceivedTotal: x.Received, ReceivedOffline: x.Received, CarriedOver: x.CarriedOver,
			ResolvedTotal: x.ResolvedEarly, ResolvedEarly: x.ResolvedEarly, InProgressTotal: x.InProgress,
			InProgressWithin: x.InProgress}
		if !total.Balanced() {
			t.Fatalf("the published figures do not balance: %+v", total)
		}
		got := reports.Narrative(total)
		if got.VI != hoaBinhSentence {
			t.Fatalf("narrative\n got %q\nwant %q", got.VI, hoaBinhSentence)
		}
		want := "received 15 dossiers and 4 dossiers carried over from the previous period, resolved and returned 17 dossiers early, 2 dossiers within the time limit"
		if got.EN != want {
			t.Fatalf("English\n got %q\nwant %q", got.EN, want)
		}
		return
	}
	t.Fatal("no HBI board in boards.yaml")
}

func TestNarrative(t *testing.T) {
	for _, c := range []struct {
		name   string
		row    reports.Row
		vi, en string
	}{{
		name: "on time and late too, overdue in progress",
		row: reports.Row{ReceivedTotal: 20, CarriedOver: 3, ResolvedTotal: 18, ResolvedEarly: 12, ResolvedOnTime: 4,
			ResolvedLate: 2, InProgressTotal: 5, InProgressWithin: 4, InProgressOverdue: 1},
		vi: "tiếp nhận 20 hồ sơ và 3 hồ sơ từ kỳ trước chuyển sang, đã giải quyết và trả kết quả 18 hồ sơ " +
			"(trước hạn 12 hồ sơ, đúng hạn 4 hồ sơ, quá hạn 2 hồ sơ), 4 hồ sơ đang trong thời gian giải quyết, " +
			"1 hồ sơ đang giải quyết quá hạn",
		en: "received 20 dossiers and 3 dossiers carried over from the previous period, resolved and returned 18 dossiers " +
			"(12 early, 4 on time, 2 late), 4 dossiers within the time limit, 1 dossier in progress past the time limit",
	}, {
		name: "nothing carried over, all on time, nothing left",
		row:  reports.Row{ReceivedTotal: 7, ResolvedTotal: 7, ResolvedOnTime: 7},
		vi:   "tiếp nhận 7 hồ sơ, đã giải quyết và trả kết quả đúng hạn 7 hồ sơ",
		en:   "received 7 dossiers, resolved and returned 7 dossiers on time",
	}, {
		name: "early and late, only overdue left",
		row: reports.Row{ReceivedTotal: 1, CarriedOver: 2, ResolvedTotal: 2, ResolvedEarly: 1, ResolvedLate: 1,
			InProgressTotal: 1, InProgressOverdue: 1},
		vi: "tiếp nhận 1 hồ sơ và 2 hồ sơ từ kỳ trước chuyển sang, đã giải quyết và trả kết quả 2 hồ sơ " +
			"(trước hạn 1 hồ sơ, quá hạn 1 hồ sơ), 1 hồ sơ đang giải quyết quá hạn",
		en: "received 1 dossier and 2 dossiers carried over from the previous period, resolved and returned 2 dossiers " +
			"(1 early, 1 late), 1 dossier in progress past the time limit",
	}, {
		name: "nothing received, carried over still in progress",
		row:  reports.Row{CarriedOver: 2, InProgressTotal: 2, InProgressWithin: 2},
		vi:   "không tiếp nhận hồ sơ mới, 2 hồ sơ từ kỳ trước chuyển sang, 2 hồ sơ đang trong thời gian giải quyết",
		en:   "received no new dossier, 2 dossiers carried over from the previous period, 2 dossiers within the time limit",
	}, {
		name: "empty",
		row:  reports.Row{},
		vi:   "không tiếp nhận hồ sơ và không có hồ sơ từ kỳ trước chuyển sang",
		en:   "received no dossier and none was carried over from the previous period",
	}} {
		t.Run(c.name, func(t *testing.T) {
			got := reports.Narrative(c.row)
			if got.VI != c.vi {
				t.Errorf("vi\n got %q\nwant %q", got.VI, c.vi)
			}
			if got.EN != c.en {
				t.Errorf("en\n got %q\nwant %q", got.EN, c.en)
			}
		})
	}
}
