package models

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// InsertAttachment records the metadata of one stored file and fills its ID.
func InsertAttachment(ctx context.Context, tx *gorm.DB, a *Attachment) error {
	if err := oneStatement(tx).WithContext(ctx).Create(a).Error; err != nil {
		return fmt.Errorf("store: insert attachment: %w", err)
	}
	return nil
}

// ListAttachments returns a dossier's attachments, oldest first.
func ListAttachments(ctx context.Context, tx *gorm.DB, dossierID uint64) ([]Attachment, error) {
	var out []Attachment
	if err := tx.WithContext(ctx).Where("dossier_id = ?", dossierID).Order("id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("store: list attachments: %w", err)
	}
	return out, nil
}

// GetAttachment returns attachment id of the dossier; ErrNotFound when it
// does not exist or belongs to another dossier.
func GetAttachment(ctx context.Context, tx *gorm.DB, dossierID, id uint64) (*Attachment, error) {
	var a Attachment
	if err := tx.WithContext(ctx).Where("id = ? AND dossier_id = ?", id, dossierID).Take(&a).Error; err != nil {
		return nil, notFound(err, fmt.Sprintf("attachment %d", id))
	}
	return &a, nil
}

// StoredKeys returns which of keys are the storage key of an attachment
// row, in batches of 500 (the startup sweep of files without a row asks).
func StoredKeys(ctx context.Context, tx *gorm.DB, keys []string) (map[string]bool, error) {
	out := make(map[string]bool, len(keys))
	for start := 0; start < len(keys); start += 500 {
		batch := keys[start:min(start+500, len(keys))]
		var found []string
		err := tx.WithContext(ctx).Model(&Attachment{}).Where("storage_key IN ?", batch).Pluck("storage_key", &found).Error
		if err != nil {
			return nil, fmt.Errorf("store: stored keys: %w", err)
		}
		for _, k := range found {
			out[k] = true
		}
	}
	return out, nil
}

// oneStatement is tx without gorm's default transaction around a write:
// for a write that is one statement (a row without associations), atomic
// on its own, the BEGIN and COMMIT would be two more round trips.
func oneStatement(tx *gorm.DB) *gorm.DB {
	return tx.Session(&gorm.Session{SkipDefaultTransaction: true})
}
