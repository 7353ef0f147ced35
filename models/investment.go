package models

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// InvestmentKind is what an approved investment-certificate dossier did to
// its project: issued, adjusted or terminated it.
type InvestmentKind string

// The investment outcomes (cấp mới, điều chỉnh, chấm dứt hoạt động).
const (
	InvestmentIssue     InvestmentKind = "issue"
	InvestmentAdjust    InvestmentKind = "adjust"
	InvestmentTerminate InvestmentKind = "terminate"
)

// InvestmentKinds lists the valid outcomes.
var InvestmentKinds = []InvestmentKind{InvestmentIssue, InvestmentAdjust, InvestmentTerminate}

// Valid reports whether k is one of InvestmentKinds.
func (k InvestmentKind) Valid() bool {
	for _, v := range InvestmentKinds {
		if k == v {
			return true
		}
	}
	return false
}

// ProjectStatus says whether a project's certificate is in force.
type ProjectStatus string

// Project statuses: valid (còn hiệu lực) until terminated (chấm dứt hoạt động).
const (
	ProjectValid      ProjectStatus = "valid"
	ProjectTerminated ProjectStatus = "terminated"
)

// Currency is the currency of a registered capital. Amounts are stored
// exactly, as integers in the currency's minor unit (Decimals digits after
// the point): cents for USD, đồng for VND.
type Currency string

// The currencies boards register capital in.
const (
	CurrencyUSD Currency = "USD"
	CurrencyVND Currency = "VND"
)

// Currencies lists the valid currencies.
var Currencies = []Currency{CurrencyUSD, CurrencyVND}

// ParseCurrency returns the currency named s ("USD" or "VND").
func ParseCurrency(s string) (Currency, error) {
	for _, c := range Currencies {
		if string(c) == strings.TrimSpace(s) {
			return c, nil
		}
	}
	return "", fmt.Errorf("store: unknown currency %q (USD, VND)", s)
}

// Decimals is the number of digits of the currency's minor unit: 2 for
// USD (cents), 0 for VND (the đồng has no minor unit in use).
func (c Currency) Decimals() int {
	if c == CurrencyUSD {
		return 2
	}
	return 0
}

// MaxAmount bounds a single amount in minor units (10^17: a million
// billion đồng, a thousand billion dollars), so that sums of many amounts
// stay far inside int64.
const MaxAmount int64 = 100_000_000_000_000_000

// amountPattern is a plain decimal in the currency's units: digits, an
// optional point and fraction, no sign, no separators.
var amountPattern = regexp.MustCompile(`^([0-9]+)(?:\.([0-9]+))?$`)

// ErrAmount is wrapped by ParseAmount's errors.
var ErrAmount = errors.New("store: invalid amount")

// ParseAmount reads a decimal string in the currency's units ("400000",
// "400000.50" USD; "85000000000" VND) into minor units, exactly. It refuses
// signs, separators, more fraction digits than the currency has (trailing
// zeros aside) and amounts above MaxAmount.
func ParseAmount(s string, c Currency) (int64, error) {
	m := amountPattern.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return 0, fmt.Errorf("%w: %q is not a plain decimal number", ErrAmount, s)
	}
	whole, frac := strings.TrimLeft(m[1], "0"), strings.TrimRight(m[2], "0")
	if len(frac) > c.Decimals() {
		return 0, fmt.Errorf("%w: %q has more than %d decimals for %s", ErrAmount, s, c.Decimals(), c)
	}
	digits := whole + frac + strings.Repeat("0", c.Decimals()-len(frac))
	if len(digits) > 18 {
		return 0, fmt.Errorf("%w: %q is too large", ErrAmount, s)
	}
	v, _ := strconv.ParseInt("0"+digits, 10, 64) // at most 18 digits: always fits
	if v > MaxAmount {
		return 0, fmt.Errorf("%w: %q is too large", ErrAmount, s)
	}
	return v, nil
}

// FormatAmount writes minor units as a decimal string in the currency's
// units, without trailing zeros: 40000000 USD cents → "400000", 4000050 →
// "40000.5". It is the inverse of ParseAmount.
func FormatAmount(minor int64, c Currency) string {
	sign := ""
	if minor < 0 {
		sign, minor = "-", -minor
	}
	d := c.Decimals()
	if d == 0 {
		return sign + strconv.FormatInt(minor, 10)
	}
	scale := int64(1)
	for i := 0; i < d; i++ {
		scale *= 10
	}
	whole, frac := minor/scale, minor%scale
	if frac == 0 {
		return sign + strconv.FormatInt(whole, 10)
	}
	f := strings.TrimRight(fmt.Sprintf("%0*d", d, frac), "0")
	return sign + strconv.FormatInt(whole, 10) + "." + f
}

// InvestmentProject is an investment project of a board's zones, as its
// certificate (Giấy chứng nhận đăng ký đầu tư) stands now. Its history, from
// which the statistics are computed as of any date, is in InvestmentRecord.
type InvestmentProject struct {
	ID              uint64        `gorm:"primaryKey"`
	BoardID         uint          `gorm:"not null"`
	ZoneID          *uint         // the industrial zone
	Code            string        `gorm:"size:64;not null"` // the project number on the certificate, unique per board
	Name            string        `gorm:"size:512;not null"`
	ForeignInvested bool          `gorm:"not null"` // foreign-invested (FDI) or domestic (DDI)
	Capital         int64         `gorm:"not null"` // registered capital, in minor units of Currency
	Currency        Currency      `gorm:"size:3;not null"`
	Status          ProjectStatus `gorm:"size:16;not null"`
	IssuedAt        time.Time     `gorm:"not null"`
	TerminatedAt    *time.Time
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// InvestmentRecord is the outcome of one approved investment-certificate
// dossier: the project it issued, adjusted or terminated, when (the
// instant of the approve event), and the registered capital before and
// after (in minor units of Currency; 0 before an issue, unchanged by a
// termination). ForeignInvested is the project's status after the record.
// DossierID is nil for the issue and termination of an opening project,
// licensed before the board moved to motcua (`motcua import`, migration
// 0007): its record stands at the certificate's own date.
type InvestmentRecord struct {
	ID              uint64         `gorm:"primaryKey"`
	BoardID         uint           `gorm:"not null"`
	DossierID       *uint64        // nil: an opening project's issue or termination
	ProjectID       uint64         `gorm:"not null"`
	Kind            InvestmentKind `gorm:"size:16;not null"`
	At              time.Time      `gorm:"not null"`
	ForeignInvested bool           `gorm:"not null"`
	CapitalBefore   int64          `gorm:"not null"`
	CapitalAfter    int64          `gorm:"not null"`
	Currency        Currency       `gorm:"size:3;not null"`
	CreatedAt       time.Time
}

// InsertProject creates a project unless the board already has one with
// the same code, in which case it returns false and writes nothing. The
// unique index on (board, code) decides, so two concurrent issues of one
// code cannot both succeed.
func InsertProject(ctx context.Context, tx *gorm.DB, p *InvestmentProject) (bool, error) {
	res := tx.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(p)
	if res.Error != nil {
		return false, fmt.Errorf("store: insert investment project %s: %w", p.Code, res.Error)
	}
	return res.RowsAffected == 1, nil
}

// ProjectForUpdate loads a board's project by code, locking its row until
// the transaction ends on PostgreSQL (SQLite has a single writer), so that
// two adjustments of one project are applied one after the other.
func ProjectForUpdate(ctx context.Context, tx *gorm.DB, boardID uint, code string) (*InvestmentProject, error) {
	q := tx.WithContext(ctx)
	if q.Dialector.Name() == "postgres" {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	var p InvestmentProject
	if err := q.Where("board_id = ? AND code = ?", boardID, code).First(&p).Error; err != nil {
		return nil, notFound(err, "investment project "+code)
	}
	return &p, nil
}

// projectColumns are the columns an adjustment or a termination may change.
var projectColumns = []string{"zone_id", "name", "foreign_invested", "capital", "currency", "status",
	"terminated_at", "updated_at"}

// SaveProject writes a project's changeable columns.
func SaveProject(ctx context.Context, tx *gorm.DB, p *InvestmentProject) error {
	if err := tx.WithContext(ctx).Model(p).Select(projectColumns).Updates(p).Error; err != nil {
		return fmt.Errorf("store: update investment project %s: %w", p.Code, err)
	}
	return nil
}

// LastInvestmentRecord returns the project's latest record by instant, or ErrNotFound.
func LastInvestmentRecord(ctx context.Context, tx *gorm.DB, projectID uint64) (*InvestmentRecord, error) {
	var r InvestmentRecord
	err := tx.WithContext(ctx).Where("project_id = ?", projectID).Order("at DESC, id DESC").First(&r).Error
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("investment record of project %d", projectID))
	}
	return &r, nil
}

// InsertInvestmentRecord appends a record. The unique index on dossier_id
// makes a second record for the same dossier impossible.
func InsertInvestmentRecord(ctx context.Context, tx *gorm.DB, r *InvestmentRecord) error {
	if err := tx.WithContext(ctx).Create(r).Error; err != nil {
		return fmt.Errorf("store: insert %s record of project %d: %w", r.Kind, r.ProjectID, err)
	}
	return nil
}

// InvestmentRecordOf returns the record of a dossier, or ErrNotFound.
func InvestmentRecordOf(ctx context.Context, tx *gorm.DB, dossierID uint64) (*InvestmentRecord, error) {
	var r InvestmentRecord
	if err := tx.WithContext(ctx).Where("dossier_id = ?", dossierID).First(&r).Error; err != nil {
		return nil, notFound(err, fmt.Sprintf("investment record of dossier %d", dossierID))
	}
	return &r, nil
}
