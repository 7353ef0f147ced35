package models_test

import (
	"context"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/models/modelstest"
)

// TestMigration0012 on SQLite and PostgreSQL: history written under 0011
// gets its hashes, chained dossier by dossier in version order whatever
// the order the rows were inserted in, and each dossier its last hash; the
// result verifies, a transition after it chains on, and an edit of a
// migrated row is found.
func TestMigration0012(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		if err := models.RollbackTo(db, "0011_desk"); err != nil {
			t.Fatal(err)
		}
		at := time.Date(2025, 6, 2, 8, 0, 0, 0, ict)
		for _, code := range []string{"OLD-1", "OLD-2"} {
			exec(t, db, `INSERT INTO dossiers (code, board_id, procedure, catalogue_version, variant, channel, applicant_name,
				state, version, submitted_at, clock_state, created_at, updated_at) VALUES (?, 1, 'p', 'v1', 'standard', 'direct',
				'Công ty Bình Minh', 'received', 2, ?, 'running', ?, ?)`, code, at, at, at)
		}
		var ids []uint64
		db.Raw("SELECT id FROM dossiers ORDER BY id").Scan(&ids)
		actor := uint(3)
		for _, e := range []struct { // rows out of order, interleaved across dossiers
			dossier uint64
			seq     int
		}{{ids[1], 2}, {ids[0], 1}, {ids[1], 1}, {ids[0], 2}} {
			exec(t, db, `INSERT INTO dossier_events (dossier_id, seq, event, from_state, to_state, actor_id, actor_role,
				actor_name, at, comment, created_at) VALUES (?, ?, 'receive', 'submitted', 'received', ?, 'officer', 'Lê Văn C', ?, 'đủ', ?)`,
				e.dossier, e.seq, actor, at.Add(time.Duration(e.seq)*time.Hour), at.Add(time.Duration(e.seq)*time.Hour))
		}
		if err := models.Migrate(db); err != nil {
			t.Fatal(err)
		}
		rep, err := models.VerifyAudit(ctx, db, models.AuditOptions{})
		if err != nil || !rep.OK() || rep.Dossiers != 2 || rep.Rows != 4 {
			t.Fatalf("after 0012: %+v %v", rep, err)
		}
		d, err := models.GetDossier(ctx, db, ids[0])
		if err != nil {
			t.Fatal(err)
		}
		h, _ := models.History(ctx, db, d.ID)
		if h[0].PrevHash != models.GenesisHash || h[1].PrevHash != h[0].Hash || d.LastHash != h[1].Hash {
			t.Fatalf("chain after 0012: %+v, dossier last hash %s", h, d.LastHash)
		}
		nd := *d
		nd.Version = 3
		ev := &models.DossierEvent{DossierID: d.ID, Seq: 3, Event: "assign", FromState: "received", ToState: "received",
			ActorRole: "leader", At: at.Add(5 * time.Hour)}
		if err := models.InTx(ctx, db, func(tx *gorm.DB) error { return models.SaveTransition(ctx, tx, &nd, 2, ev, nil) }); err != nil {
			t.Fatal(err)
		}
		if rep, err := models.VerifyAudit(ctx, db, models.AuditOptions{}); err != nil || !rep.OK() || rep.Rows != 5 {
			t.Fatalf("after a transition: %+v %v", rep, err)
		}
		exec(t, db, "UPDATE dossier_events SET actor_name = 'Người khác' WHERE id = ?", h[0].ID)
		rep, err = models.VerifyAudit(ctx, db, models.AuditOptions{})
		if err != nil || len(rep.Breaks) != 1 || rep.Breaks[0].RowID != h[0].ID || rep.Breaks[0].Reason != models.AuditHashMismatch {
			t.Fatalf("edited migrated row: %+v %v", rep, err)
		}
	})
}
