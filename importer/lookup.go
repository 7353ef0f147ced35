package importer

import (
	"context"
	"errors"
	"strings"

	"gorm.io/gorm"

	"github.com/motcua/motcua/models"
)

// boardRef is a board and its zones, read once per import.
type boardRef struct {
	board *models.Board
	zones map[string]uint // zoneKey(name) → id
}

// lookup finds boards by code and zones by name, caching what it reads.
type lookup struct {
	tx     *gorm.DB
	boards map[string]*boardRef // by upper-cased code; nil: no such board
}

// board returns the board with code (case-insensitive), or nil.
func (l *lookup) board(ctx context.Context, code string) (*boardRef, error) {
	code = strings.ToUpper(strings.TrimSpace(code))
	if ref, ok := l.boards[code]; ok {
		return ref, nil
	}
	b, err := models.GetBoardByCode(ctx, l.tx, code)
	if errors.Is(err, models.ErrNotFound) {
		l.boards[code] = nil
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var zones []models.Zone
	if err := l.tx.WithContext(ctx).Where("board_id = ?", b.ID).Find(&zones).Error; err != nil {
		return nil, err
	}
	ref := &boardRef{board: b, zones: make(map[string]uint, len(zones))}
	for _, z := range zones {
		ref.zones[zoneKey(z.Name)] = z.ID
	}
	l.boards[code] = ref
	return ref, nil
}

// zone returns the id of the board's zone called name, or false.
func (r *boardRef) zone(name string) (uint, bool) {
	id, ok := r.zones[zoneKey(name)]
	return id, ok
}

// zonePrefixes are what boards write before a zone's name.
var zonePrefixes = []string{"khu công nghiệp ", "kcn "}

// zoneKey is how zone names are compared: case-insensitive, spaces
// trimmed, with or without "Khu công nghiệp" or "KCN" in front.
func zoneKey(name string) string {
	k := strings.Join(strings.Fields(strings.ToLower(name)), " ")
	for _, p := range zonePrefixes {
		k = strings.TrimPrefix(k, p)
	}
	return k
}
