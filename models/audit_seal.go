package models

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"gorm.io/gorm"
)

// sealBatch is how many dossiers sealUnsealed hashes per round.
const sealBatch = 500

// chainRow is a history row as the chain reads it, with its dossier's
// code.
type chainRow struct {
	DossierEvent
	Code string
}

// SealUnsealed hashes the history rows written without a hash (by a bulk
// load in SQL, such as `bench report`'s copies), dossier by dossier in
// version order, each chained on the row before it, and sets the
// dossiers' last_hash, committing each batch of dossiers. It returns the
// number of rows hashed.
func SealUnsealed(ctx context.Context, db *gorm.DB) (int, error) {
	return sealLoop(ctx, db, func(fn func(tx *gorm.DB) error) error { return InTx(ctx, db, fn) })
}

// sealUnsealed is SealUnsealed within the caller's transaction (migration
// 0012).
func sealUnsealed(ctx context.Context, tx *gorm.DB) (int, error) {
	return sealLoop(ctx, tx, func(fn func(tx *gorm.DB) error) error { return fn(tx) })
}

// sealLoop hashes the unhashed rows sealBatch dossiers at a time, each
// batch through run.
func sealLoop(ctx context.Context, db *gorm.DB, run func(fn func(tx *gorm.DB) error) error) (int, error) {
	var after uint64
	total := 0
	for {
		var ids []uint64
		err := db.WithContext(ctx).Raw(`SELECT id FROM dossiers WHERE id > ? AND EXISTS
			(SELECT 1 FROM dossier_events e WHERE e.dossier_id = dossiers.id AND e.hash = '') ORDER BY id LIMIT ?`,
			after, sealBatch).Scan(&ids).Error
		if err != nil {
			return total, fmt.Errorf("store: dossiers to hash: %w", err)
		}
		if len(ids) == 0 {
			return total, nil
		}
		err = run(func(tx *gorm.DB) error {
			n, err := sealDossiers(ctx, tx, ids)
			total += n
			return err
		})
		if err != nil {
			return total, err
		}
		after = ids[len(ids)-1]
	}
}

// chainRows reads the history rows of dossiers ids with their codes, in
// dossier and version order.
func chainRows(ctx context.Context, tx *gorm.DB, ids []uint64) ([]chainRow, error) {
	var rows []chainRow
	err := tx.WithContext(ctx).Table("dossier_events e").Select("e.*, d.code AS code").
		Joins("JOIN dossiers d ON d.id = e.dossier_id").Where("e.dossier_id IN ?", ids).
		Order("e.dossier_id, e.seq").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("store: read history to hash: %w", err)
	}
	return rows, nil
}

// sealDossiers hashes the unhashed rows of dossiers ids.
func sealDossiers(ctx context.Context, tx *gorm.DB, ids []uint64) (int, error) {
	rows, err := chainRows(ctx, tx, ids)
	if err != nil {
		return 0, err
	}
	var sealed []DossierEvent
	last := map[uint64]string{}
	prev, dossier := GenesisHash, uint64(0)
	for i := range rows {
		r := &rows[i]
		if r.DossierID != dossier {
			prev, dossier = GenesisHash, r.DossierID
		}
		if r.Hash == "" {
			r.PrevHash = prev
			r.Hash = EventHash(prev, r.Code, &r.DossierEvent)
			sealed = append(sealed, r.DossierEvent)
		}
		prev = r.Hash
		last[dossier] = prev
	}
	if err := writeSeals(ctx, tx, sealed, last); err != nil {
		return 0, err
	}
	return len(sealed), nil
}

// writeSeals stores the rows' new hashes and the dossiers' last hashes: on
// PostgreSQL in two statements over arrays, elsewhere row by row.
func writeSeals(ctx context.Context, tx *gorm.DB, rows []DossierEvent, last map[uint64]string) error {
	db := tx.WithContext(ctx)
	if tx.Dialector.Name() == "postgres" {
		var ids, prevs, hashes, dids, lasts []string
		for _, r := range rows {
			ids = append(ids, strconv.FormatUint(r.ID, 10))
			prevs, hashes = append(prevs, r.PrevHash), append(hashes, r.Hash)
		}
		for id, h := range last {
			dids, lasts = append(dids, strconv.FormatUint(id, 10)), append(lasts, h)
		}
		if err := db.Exec(`UPDATE dossier_events AS e SET prev_hash = v.p, hash = v.h
			FROM (SELECT unnest(CAST(? AS bigint[])) AS id, unnest(CAST(? AS text[])) AS p, unnest(CAST(? AS text[])) AS h) v
			WHERE e.id = v.id`, pgArray(ids), pgArray(prevs), pgArray(hashes)).Error; err != nil {
			return fmt.Errorf("store: store history hashes: %w", err)
		}
		if err := db.Exec(`UPDATE dossiers AS d SET last_hash = v.h
			FROM (SELECT unnest(CAST(? AS bigint[])) AS id, unnest(CAST(? AS text[])) AS h) v
			WHERE d.id = v.id`, pgArray(dids), pgArray(lasts)).Error; err != nil {
			return fmt.Errorf("store: store dossiers' last hashes: %w", err)
		}
		return nil
	}
	for _, r := range rows {
		if err := db.Exec(`UPDATE dossier_events SET prev_hash = ?, hash = ? WHERE id = ?`, r.PrevHash, r.Hash, r.ID).Error; err != nil {
			return fmt.Errorf("store: store history hash: %w", err)
		}
	}
	for id, h := range last {
		if err := db.Exec(`UPDATE dossiers SET last_hash = ? WHERE id = ?`, h, id).Error; err != nil {
			return fmt.Errorf("store: store dossier's last hash: %w", err)
		}
	}
	return nil
}

// pgArray writes a PostgreSQL array literal of values that need no
// quoting (decimal numbers, hexadecimal hashes).
func pgArray(values []string) string { return "{" + strings.Join(values, ",") + "}" }
