package handlers

import (
	"context"
	"strconv"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/models/modelstest"
	"github.com/motcua/motcua/workflow"
	"github.com/motcua/motcua/workflow/workflowtest"
)

type alertPage struct {
	Items []struct {
		ID             uint64  `json:"id"`
		Kind           string  `json:"kind"`
		Code           string  `json:"code"`
		RecipientRole  string  `json:"recipient_role"`
		AcknowledgedAt *string `json:"acknowledged_at"`
	} `json:"items"`
	apiError
}

func TestAlertsAndDashboard(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newAPIFixture(t, db)
		eng := workflowtest.Engine(t)
		// The fixture's dossier is received on Mon 16/11/2026 09:00: due Tue 1/12.
		f.call(t, f.tokens["hbi.officer"], "POST", "/api/v1/dossiers/"+f.code+"/events", map[string]any{"event": "receive", "version": 1}, nil)
		// A second one is approved the same day: early.
		approvedEarly(t, db, eng)
		sweeper := &deadlines.Sweeper{DB: db, Cal: eng.Calendar()}
		if _, err := sweeper.Run(context.Background(), time.Date(2026, 12, 2, 8, 0, 0, 0, deadlines.Location)); err != nil {
			t.Fatal(err)
		}
		var p alertPage
		if status := f.call(t, f.tokens["hbi.officer"], "GET", "/api/v1/alerts?kind=overdue", nil, &p); status != 200 || len(p.Items) != 2 || p.Items[0].Code != f.code {
			t.Fatalf("officer's overdue alerts: %d %+v", status, p.Items)
		}
		id := strconv.FormatUint(p.Items[0].ID, 10)
		var first, again alertPage
		var a1, a2 alertJSON
		f.call(t, f.tokens["hbi.officer"], "POST", "/api/v1/alerts/"+id+"/ack", nil, &a1)
		f.call(t, f.tokens["hbi.leader"], "POST", "/api/v1/alerts/"+id+"/ack", nil, &a2)
		if a1.AcknowledgedAt == nil || a2.AcknowledgedAt == nil || *a1.AcknowledgedAt != *a2.AcknowledgedAt {
			t.Fatalf("acknowledgements %v then %v: the first must be kept", a1.AcknowledgedAt, a2.AcknowledgedAt)
		}
		// The acknowledgement answers the alert whole.
		if a1.Code != f.code || a1.Procedure != "construction-permit" || a1.Kind != "overdue" || a1.DueAt == "" || a1.RaisedAt == "" {
			t.Fatalf("the acknowledged alert: %+v", a1)
		}
		f.call(t, f.tokens["hbi.officer"], "GET", "/api/v1/alerts?unacknowledged=true&kind=overdue", nil, &first)
		if len(first.Items) != 1 {
			t.Fatalf("%d unacknowledged overdue alerts, want 1", len(first.Items))
		}
		var bad apiError
		if status := f.call(t, f.tokens["bgg.officer"], "GET", "/api/v1/alerts", nil, &again); status != 200 || len(again.Items) != 0 {
			t.Fatalf("another board sees %d alerts", len(again.Items))
		}
		if status := f.call(t, f.tokens["bgg.officer"], "POST", "/api/v1/alerts/"+id+"/ack", nil, &bad); status != 404 {
			t.Fatalf("another board acknowledges: %d", status)
		}
		if status := f.call(t, f.tokens["hbi.investor"], "GET", "/api/v1/alerts", nil, &bad); status != 403 {
			t.Fatalf("an investor reads alerts: %d", status)
		}
		assertDashboard(t, f)
	})
}

// approvedEarly submits, receives and approves a union recognition on 16/11/2026.
func approvedEarly(t *testing.T, db *gorm.DB, eng *workflow.Engine) {
	ctx := context.Background()
	at := time.Date(2026, 11, 16, 10, 0, 0, 0, deadlines.Location)
	var hbi models.Board
	db.Where("code = ?", "HBI").First(&hbi)
	officer, leader := workflow.Actor{Role: workflow.RoleOfficer}, workflow.Actor{Role: workflow.RoleLeader}
	err := models.InTx(ctx, db, func(tx *gorm.DB) error {
		p, _ := eng.Catalogue().Procedure("union-registration")
		v, _ := p.VersionAt(at)
		var atts []workflow.AttachmentInput
		for _, c := range v.RequiredDocuments("standard") {
			atts = append(atts, workflow.AttachmentInput{DocumentCode: c, FileName: c + ".pdf"})
		}
		d, err := eng.Submit(ctx, tx, workflow.SubmitInput{BoardID: hbi.ID, Procedure: "union-registration", Variant: "standard",
			Channel: models.ChannelDirect, ApplicantName: "Công đoàn cơ sở Sớm Hạn", Attachments: atts}, officer, at)
		for _, step := range []struct {
			ev workflow.Event
			a  workflow.Actor
		}{{"receive", officer}, {"assign", officer}, {"propose", officer}, {"approve", leader}} {
			if err != nil {
				return err
			}
			_, err = workflowtest.Fire(t, eng, ctx, tx, d, step.ev, step.a, at, workflow.Input{})
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// assertDashboard: as of 16/11/2026 09:00 (the server's clock), the
// construction permit is open and not yet due; the union recognition was
// finished early this month.
func assertDashboard(t *testing.T, f *apiFixture) {
	var dash struct {
		ByProcedure []struct {
			Key        string   `json:"key"`
			Open       int      `json:"open"`
			Overdue    int      `json:"overdue"`
			Early      int      `json:"early"`
			OnTimeRate *float64 `json:"on_time_rate"`
		} `json:"by_procedure"`
		ByDepartment []struct {
			Key   string `json:"key"`
			Open  int    `json:"open"`
			Early int    `json:"early"`
		} `json:"by_department"`
		ByOfficer []struct{} `json:"by_officer"`
	}
	if status := f.call(t, f.tokens["hbi.leader"], "GET", "/api/v1/dashboard", nil, &dash); status != 200 || len(dash.ByProcedure) != 2 {
		t.Fatalf("dashboard: %d %+v", status, dash)
	}
	cp, union := dash.ByProcedure[0], dash.ByProcedure[1]
	if cp.Key != "construction-permit" || cp.Open != 1 || cp.Overdue != 0 || cp.OnTimeRate != nil {
		t.Fatalf("construction-permit row %+v", cp)
	}
	if union.Key != "union-registration" || union.Open != 0 || union.Early != 1 || union.OnTimeRate == nil || *union.OnTimeRate != 1 {
		t.Fatalf("union-registration row %+v", union)
	}
	open, early := 0, 0
	for _, d := range dash.ByDepartment {
		open, early = open+d.Open, early+d.Early
	}
	if len(dash.ByDepartment) == 0 || open != cp.Open+union.Open || early != cp.Early+union.Early {
		t.Fatalf("by_department %+v does not add up to the procedures' %d open, %d early", dash.ByDepartment,
			cp.Open+union.Open, cp.Early+union.Early)
	}
	var bad apiError
	if status := f.call(t, f.tokens["hbi.officer"], "GET", "/api/v1/dashboard", nil, &bad); status != 403 {
		t.Fatalf("an officer reads the dashboard: %d", status)
	}
}
