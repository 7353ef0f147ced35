package models_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/models/modelstest"
)

// ict is Asia/Ho_Chi_Minh, the zone the engine writes instants in.
var ict = time.FixedZone("ICT", 7*3600)

// auditChain writes a dossier of board 1 with n history rows through
// InsertSubmission and SaveTransition, as the engine does, each row with
// an actor, a comment, an outcome and nanoseconds in its instant (stored
// as microseconds), and returns the dossier and its rows as read back.
func auditChain(t *testing.T, db *gorm.DB, code string, n int) (*models.Dossier, []models.DossierEvent) {
	t.Helper()
	ctx := context.Background()
	at := time.Date(2026, 11, 2, 9, 30, 0, 123456789, ict)
	actor := uint(7)
	d := &models.Dossier{Code: code, BoardID: 1, Procedure: "p", CatalogueVersion: "v1", Variant: "standard",
		Channel: models.ChannelDirect, ApplicantName: "Công ty An Phát", State: "submitted", Version: 1,
		SubmittedAt: at, ClockState: "idle"}
	intake := at.Add(8 * time.Hour)
	d.StepState, d.StepStartedAt, d.StepDueAt = "submitted", &at, &intake
	ev := &models.DossierEvent{Seq: 1, Event: "submit", ToState: "submitted", ActorID: &actor, ActorRole: "officer",
		ActorName: "Nguyễn Văn An", At: at, Comment: "nộp trực tiếp", StepState: "submitted", StepDueAt: &intake}
	if err := models.InsertSubmission(ctx, db, d, ev, ""); err != nil {
		t.Fatal(err)
	}
	for i := 2; i <= n; i++ {
		at = at.Add(time.Hour + 7*time.Nanosecond)
		due := at.AddDate(0, 0, 10)
		nd := *d
		nd.State, nd.Version, nd.DueAt = fmt.Sprintf("s%d", i), i, &due
		ev := &models.DossierEvent{DossierID: d.ID, Seq: i, Event: "consult", FromState: d.State, ToState: nd.State,
			ActorID: &actor, ActorRole: "officer", ActorName: "Nguyễn Văn An", At: at, DueAt: &due,
			Comment: fmt.Sprintf("bước %d", i), Outcome: "on_time", Data: `{"form":"01"}`}
		err := models.InTx(ctx, db, func(tx *gorm.DB) error { return models.SaveTransition(ctx, tx, &nd, i-1, ev, nil) })
		if err != nil {
			t.Fatal(err)
		}
		d = &nd
	}
	rows, err := models.History(ctx, db, d.ID)
	if err != nil || len(rows) != n {
		t.Fatalf("history of %s: %d rows, %v", code, len(rows), err)
	}
	return d, rows
}

// exec runs SQL on db, failing t on an error.
func exec(t *testing.T, db *gorm.DB, sql string, args ...any) {
	t.Helper()
	if err := db.Exec(sql, args...).Error; err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// reseal recomputes the hash of row id over its stored content and
// prev_hash, as an attacker who knows the encoding would, and returns it.
func reseal(t *testing.T, db *gorm.DB, code string, id uint64) string {
	t.Helper()
	var ev models.DossierEvent
	if err := db.First(&ev, id).Error; err != nil {
		t.Fatal(err)
	}
	h := models.EventHash(ev.PrevHash, code, &ev)
	exec(t, db, "UPDATE dossier_events SET hash = ? WHERE id = ?", h, id)
	return h
}

// swapSeqs swaps the versions of rows a and b of a dossier.
func swapSeqs(t *testing.T, db *gorm.DB, a, b models.DossierEvent) {
	t.Helper()
	exec(t, db, "UPDATE dossier_events SET seq = 1000 WHERE id = ?", a.ID)
	exec(t, db, "UPDATE dossier_events SET seq = ? WHERE id = ?", a.Seq, b.ID)
	exec(t, db, "UPDATE dossier_events SET seq = ? WHERE id = ?", b.Seq, a.ID)
}

// auditCase is one tampering, made in SQL on a fresh 4-row chain, and
// the row and reason VerifyAudit must name.
type auditCase struct {
	name   string
	tamper func(t *testing.T, db *gorm.DB, d *models.Dossier, r []models.DossierEvent) (row uint64)
	reason models.AuditReason
}

var auditCases = []auditCase{
	{"edit actor", func(t *testing.T, db *gorm.DB, _ *models.Dossier, r []models.DossierEvent) uint64 {
		exec(t, db, "UPDATE dossier_events SET actor_id = 99, actor_name = 'Trần Thị Bình' WHERE id = ?", r[1].ID)
		return r[1].ID
	}, models.AuditHashMismatch},
	{"edit time", func(t *testing.T, db *gorm.DB, _ *models.Dossier, r []models.DossierEvent) uint64 {
		exec(t, db, "UPDATE dossier_events SET at = ? WHERE id = ?", r[2].At.Add(-24*time.Hour), r[2].ID)
		return r[2].ID
	}, models.AuditHashMismatch},
	{"edit comment", func(t *testing.T, db *gorm.DB, _ *models.Dossier, r []models.DossierEvent) uint64 {
		exec(t, db, "UPDATE dossier_events SET comment = 'đã nhận đủ hồ sơ' WHERE id = ?", r[1].ID)
		return r[1].ID
	}, models.AuditHashMismatch},
	{"edit outcome", func(t *testing.T, db *gorm.DB, _ *models.Dossier, r []models.DossierEvent) uint64 {
		exec(t, db, "UPDATE dossier_events SET outcome = 'late' WHERE id = ?", r[3].ID)
		return r[3].ID
	}, models.AuditHashMismatch},
	{"delete a row", func(t *testing.T, db *gorm.DB, _ *models.Dossier, r []models.DossierEvent) uint64 {
		exec(t, db, "DELETE FROM dossier_events WHERE id = ?", r[1].ID)
		return r[2].ID
	}, models.AuditVersionGap},
	{"delete the last row", func(t *testing.T, db *gorm.DB, _ *models.Dossier, r []models.DossierEvent) uint64 {
		exec(t, db, "DELETE FROM dossier_events WHERE id = ?", r[3].ID)
		return r[2].ID
	}, models.AuditDossierVersion},
	{"append a forged row with a valid hash", func(t *testing.T, db *gorm.DB, d *models.Dossier, r []models.DossierEvent) uint64 {
		f := r[3]
		f.ID, f.Seq, f.Comment, f.PrevHash = 0, 5, "hồ sơ đã được phê duyệt", r[3].Hash
		f.Hash = models.EventHash(f.PrevHash, d.Code, &f)
		if err := db.Create(&f).Error; err != nil {
			t.Fatal(err)
		}
		return f.ID
	}, models.AuditDossierVersion},
	{"insert a forged row in the middle", func(t *testing.T, db *gorm.DB, d *models.Dossier, r []models.DossierEvent) uint64 {
		for _, row := range []models.DossierEvent{r[3], r[2]} { // make room at version 3, from the top
			exec(t, db, "UPDATE dossier_events SET seq = seq + 1 WHERE id = ?", row.ID)
		}
		f := r[2]
		f.ID, f.Comment, f.PrevHash = 0, "bổ sung giấy phép", r[1].Hash
		f.Hash = models.EventHash(f.PrevHash, d.Code, &f)
		if err := db.Create(&f).Error; err != nil {
			t.Fatal(err)
		}
		return r[2].ID // the forged row chains on row 2; the old row 3, now 4, does not chain on it
	}, models.AuditPrevMismatch},
	{"reorder two rows", func(t *testing.T, db *gorm.DB, _ *models.Dossier, r []models.DossierEvent) uint64 {
		swapSeqs(t, db, r[1], r[2])
		return r[2].ID
	}, models.AuditPrevMismatch},
	{"reorder two rows and reseal them", func(t *testing.T, db *gorm.DB, d *models.Dossier, r []models.DossierEvent) uint64 {
		swapSeqs(t, db, r[1], r[2])
		exec(t, db, "UPDATE dossier_events SET prev_hash = ? WHERE id = ?", r[0].Hash, r[2].ID)
		h := reseal(t, db, d.Code, r[2].ID)
		exec(t, db, "UPDATE dossier_events SET prev_hash = ? WHERE id = ?", h, r[1].ID)
		h = reseal(t, db, d.Code, r[1].ID)
		exec(t, db, "UPDATE dossier_events SET prev_hash = ? WHERE id = ?", h, r[3].ID)
		return r[3].ID // the link into the next row is in its hash
	}, models.AuditHashMismatch},
	{"edit a row and reseal it", func(t *testing.T, db *gorm.DB, d *models.Dossier, r []models.DossierEvent) uint64 {
		exec(t, db, "UPDATE dossier_events SET comment = 'không có ý kiến' WHERE id = ?", r[1].ID)
		h := reseal(t, db, d.Code, r[1].ID)
		exec(t, db, "UPDATE dossier_events SET prev_hash = ? WHERE id = ?", h, r[2].ID)
		return r[2].ID
	}, models.AuditHashMismatch},
	{"move a row to another version", func(t *testing.T, db *gorm.DB, _ *models.Dossier, r []models.DossierEvent) uint64 {
		exec(t, db, "UPDATE dossier_events SET seq = 7 WHERE id = ?", r[3].ID)
		return r[3].ID
	}, models.AuditVersionGap},
	{"edit the dossier's last hash", func(t *testing.T, db *gorm.DB, d *models.Dossier, r []models.DossierEvent) uint64 {
		exec(t, db, "UPDATE dossiers SET last_hash = ? WHERE id = ?", r[2].Hash, d.ID)
		return r[3].ID
	}, models.AuditLastHash},
}

// TestAuditChain on SQLite and PostgreSQL: a clean history verifies; each
// tampering made in SQL, on its own dossier, is found, naming the first
// broken row and why, and no other dossier is named.
func TestAuditChain(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		clean, _ := auditChain(t, db, "CLEAN-0001", 4)
		rep, err := models.VerifyAudit(ctx, db, models.AuditOptions{})
		if err != nil || !rep.OK() || rep.Dossiers != 1 || rep.Rows != 4 {
			t.Fatalf("clean history: %+v %v", rep, err)
		}
		dossiers := make([]uint64, len(auditCases))
		wantRow := map[uint64]uint64{}
		for i, c := range auditCases {
			d, rows := auditChain(t, db, fmt.Sprintf("TAMPER-%04d", i), 4)
			wantRow[d.ID] = c.tamper(t, db, d, rows)
			dossiers[i] = d.ID
		}
		rep, err = models.VerifyAudit(ctx, db, models.AuditOptions{})
		if err != nil {
			t.Fatal(err)
		}
		got := map[uint64]models.AuditBreak{}
		for _, b := range rep.Breaks {
			got[b.DossierID] = b
			if b.DossierID == clean.ID {
				t.Errorf("the clean dossier is named: %s", b)
			}
		}
		for i, c := range auditCases {
			id := dossiers[i]
			b, ok := got[id]
			switch {
			case !ok:
				t.Errorf("%s: not detected", c.name)
			case b.RowID != wantRow[id] || b.Reason != c.reason:
				t.Errorf("%s: got %s; want row %d, %s", c.name, b, wantRow[id], c.reason)
			default:
				t.Logf("%s: %s", c.name, b)
			}
		}
		if first := rep.First(); first == nil || first.DossierID == clean.ID {
			t.Errorf("first break %v", first)
		}
	})
}

// TestAuditAnchors on SQLite and PostgreSQL: the anchors of finished days
// are written once (a second run writes nothing), an operator can list
// them, and a chain rewritten from an edited row onwards with valid
// hashes, which the chain alone cannot tell, is found by the anchor of its
// day; so is a deleted anchor.
func TestAuditAnchors(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		if err := db.Create(&models.Board{ID: 1, Code: "HBI", NameVI: "Ban quản lý", AgencyCode: "000.20.30.H33"}).Error; err != nil {
			t.Fatal(err)
		}
		d, r := auditChain(t, db, "ANCHOR-0001", 4)
		auditChain(t, db, "ANCHOR-0002", 3)
		now := time.Now()
		if n, err := models.WriteAnchors(ctx, db, now); err != nil || n != 0 {
			t.Fatalf("anchors of an unfinished day: %d %v", n, err)
		}
		tomorrow := now.Add(24*time.Hour + time.Hour)
		n, err := models.WriteAnchors(ctx, db, tomorrow)
		if err != nil || n != 1 {
			t.Fatalf("anchors written: %d %v, want 1", n, err)
		}
		if n, err := models.WriteAnchors(ctx, db, tomorrow.Add(time.Hour)); err != nil || n != 0 {
			t.Fatalf("second run: %d %v, want nothing written", n, err)
		}
		anchors, err := models.Anchors(ctx, db, models.AnchorFilter{BoardID: 1})
		if err != nil || len(anchors) != 1 || anchors[0].Rows != 7 || anchors[0].Dossiers != 2 ||
			anchors[0].Day != models.AuditDay(now) || len(anchors[0].Hash) != 64 {
			t.Fatalf("anchors %+v %v", anchors, err)
		}
		rep, err := models.VerifyAudit(ctx, db, models.AuditOptions{})
		if err != nil || !rep.OK() || rep.Anchors != 1 {
			t.Fatalf("clean: %+v %v", rep, err)
		}

		// Rewrite the chain from row 2 on, every hash valid, and the dossier's last hash.
		exec(t, db, "UPDATE dossier_events SET comment = 'hồ sơ hợp lệ' WHERE id = ?", r[1].ID)
		var h string
		for i := 1; i < len(r); i++ {
			if i > 1 {
				exec(t, db, "UPDATE dossier_events SET prev_hash = ? WHERE id = ?", h, r[i].ID)
			}
			h = reseal(t, db, d.Code, r[i].ID)
		}
		exec(t, db, "UPDATE dossiers SET last_hash = ? WHERE id = ?", h, d.ID)
		rep, err = models.VerifyAudit(ctx, db, models.AuditOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Breaks) != 1 || rep.Breaks[0].Reason != models.AuditAnchorMismatch || rep.Breaks[0].Day != anchors[0].Day ||
			rep.Breaks[0].BoardID != 1 {
			t.Fatalf("rewritten chain: breaks %v, want the anchor of %s", rep.Breaks, anchors[0].Day)
		}
		t.Logf("rewritten chain: %s", rep.Breaks[0])
		if _, err := models.WriteAnchors(ctx, db, tomorrow); err != nil {
			t.Fatalf("a later run must not rewrite the anchor: %v", err)
		}
		if again, _ := models.Anchors(ctx, db, models.AnchorFilter{}); len(again) != 1 || again[0].Hash != anchors[0].Hash {
			t.Fatalf("anchor rewritten: %+v", again)
		}
	})
}

// BenchmarkEventHash is the Go side's cost per transition: encoding and
// hashing one history row (go test -run XXX -bench EventHash ./models/).
func BenchmarkEventHash(b *testing.B) {
	actor := uint(7)
	due := time.Date(2026, 11, 20, 17, 0, 0, 0, ict)
	ev := &models.DossierEvent{Seq: 12, Event: "consult", FromState: "in_review", ToState: "consulting", ActorID: &actor,
		ActorRole: "officer", ActorName: "Nguyễn Văn An", At: time.Now(), DueAt: &due, Comment: "xin ý kiến Sở Xây dựng",
		Outcome: "", Data: `{"form":"01","documents":["a","b"]}`, CreatedAt: time.Now()}
	for i := 0; i < b.N; i++ {
		models.EventHash(models.GenesisHash, "000.20.30.H33-261203-0001", ev)
	}
}

// TestAuditAnchorMissing on SQLite and PostgreSQL: a deleted anchor
// between two others is named, as the day it leaves unanchored.
func TestAuditAnchorMissing(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		if err := db.Create(&models.Board{ID: 1, Code: "HBI", NameVI: "Ban quản lý", AgencyCode: "000.20.30.H33"}).Error; err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		for i, shift := range []int{0, 2, 4} { // one dossier written today, one in 2 days, one in 4
			d, r := auditChain(t, db, fmt.Sprintf("DAY-%d", i), 1)
			if shift == 0 {
				continue
			}
			exec(t, db, "UPDATE dossier_events SET created_at = ? WHERE id = ?", now.AddDate(0, 0, shift).UTC(), r[0].ID)
			exec(t, db, "UPDATE dossiers SET last_hash = ? WHERE id = ?", reseal(t, db, d.Code, r[0].ID), d.ID)
		}
		if n, err := models.WriteAnchors(ctx, db, now.AddDate(0, 0, 5)); err != nil || n != 3 {
			t.Fatalf("anchors written: %d %v, want 3", n, err)
		}
		if rep, err := models.VerifyAudit(ctx, db, models.AuditOptions{}); err != nil || !rep.OK() || rep.Anchors != 3 {
			t.Fatalf("clean: %+v %v", rep, err)
		}
		middle := models.AuditDay(now.AddDate(0, 0, 2))
		exec(t, db, "DELETE FROM audit_anchors WHERE day = ?", middle)
		rep, err := models.VerifyAudit(ctx, db, models.AuditOptions{})
		if err != nil || len(rep.Breaks) != 1 || rep.Breaks[0].Reason != models.AuditAnchorMissing || rep.Breaks[0].Day != middle {
			t.Fatalf("deleted anchor: %+v %v", rep, err)
		}
		t.Logf("deleted anchor: %s", rep.Breaks[0])
	})
}

// TestAuditConcurrentWriters on SQLite and PostgreSQL: writers racing on
// one dossier, each retrying when another won the version, leave one
// chain that verifies: the version check lets exactly one writer chain on
// a given hash.
func TestAuditConcurrentWriters(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		d, _ := auditChain(t, db, "HOT-0001", 1)
		const writers, each = 6, 10
		errc := make(chan error, writers)
		for w := 0; w < writers; w++ {
			go func() { errc <- hotWriter(ctx, db, d.ID, each) }()
		}
		for w := 0; w < writers; w++ {
			if err := <-errc; err != nil {
				t.Fatal(err)
			}
		}
		rep, err := models.VerifyAudit(ctx, db, models.AuditOptions{})
		if err != nil || !rep.OK() || rep.Rows != 1+writers*each {
			t.Fatalf("after racing writers: %+v %v", rep, err)
		}
	})
}

// hotWriter appends n rows to dossier id, rereading it after each lost race.
func hotWriter(ctx context.Context, db *gorm.DB, id uint64, n int) error {
	for done := 0; done < n; {
		d, err := models.GetDossier(ctx, db, id)
		if err != nil {
			return err
		}
		nd := *d
		nd.Version++
		ev := &models.DossierEvent{DossierID: id, Seq: nd.Version, Event: "note", FromState: d.State, ToState: d.State,
			ActorRole: "officer", At: time.Now(), Comment: fmt.Sprintf("ghi chú %d", nd.Version)}
		save := func(tx *gorm.DB) error { return models.SaveTransition(ctx, tx, &nd, d.Version, ev, nil) }
		if models.SingleStatementTransitions(db) {
			err = save(db) // PostgreSQL: the one statement, as the engine runs it
		} else {
			err = models.InTx(ctx, db, save)
		}
		switch {
		case errors.Is(err, models.ErrStale):
		case err != nil:
			return err
		default:
			done++
		}
	}
	return nil
}
