package workflow

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/motcua/motcua/models"
)

// expiryBatch is the keyset page size of FireExpired.
const expiryBatch = 500

// expiryText is the bilingual comment of an expiry event, before its citation.
var expiryText = map[Event]string{
	"consent": "Quá hạn trả lời, coi như đồng ý / no answer in time: deemed consent",
	"stop":    "Quá hạn bổ sung, dừng xử lý / supplement not received in time: stopped",
}

// FireExpired fires, as SystemActor at now, the OnStepExpiry event of every
// open dossier whose step deadline has passed and whose current state has
// one (deemed consent, supplementation lapsed). A conflict means the
// dossier moved meanwhile, by a user or another replica, and is skipped:
// the engine's optimistic lock lets exactly one firing win. Any other error
// stops the run. It returns the number of events fired; a second run fires
// nothing new, the states having moved on.
func (e *Engine) FireExpired(ctx context.Context, db *gorm.DB, now time.Time) (int, error) {
	fired := 0
	var after uint64
	for {
		page, err := models.OpenStepsDueBefore(ctx, db, now, after, expiryBatch)
		if err != nil {
			return fired, err
		}
		for i := range page {
			ok, err := e.fireExpiry(ctx, db, &page[i], now)
			if err != nil {
				return fired, err
			}
			if ok {
				fired++
			}
		}
		if len(page) < expiryBatch {
			return fired, nil
		}
		after = page[len(page)-1].ID
	}
}

// fireExpiry fires d's expiry event, if its current state has one. It
// reports whether an event was fired; a conflict is not an error.
func (e *Engine) fireExpiry(ctx context.Context, db *gorm.DB, d *models.Dossier, now time.Time) (bool, error) {
	x := e.expiryOf(d)
	if x == nil {
		return false, nil
	}
	_, _, err := e.Apply(ctx, db, d.ID, d.Version, x.Event, SystemActor, now, Input{Comment: expiryComment(x)})
	if IsConflict(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("workflow: expiry %s of dossier %s: %w", x.Event, d.Code, err)
	}
	return true, nil
}

// expiryOf returns the OnStepExpiry of d's current state in its bound
// version, or nil.
func (e *Engine) expiryOf(d *models.Dossier) *Expiry {
	p, err := e.cat.Procedure(d.Procedure)
	if err != nil {
		return nil
	}
	v, err := p.Version(d.CatalogueVersion)
	if err != nil {
		return nil
	}
	s, ok := v.State(State(d.State))
	if !ok {
		return nil
	}
	return s.OnStepExpiry
}

// expiryComment is the history comment of an expiry event: what happened in
// Vietnamese and English, then the citation.
func expiryComment(x *Expiry) string {
	text, ok := expiryText[x.Event]
	if !ok {
		text = "Quá hạn bước xử lý / step deadline passed: " + string(x.Event)
	}
	return text + " (" + x.Citation + ")"
}
