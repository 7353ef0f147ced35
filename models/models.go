// Package models holds motcua's GORM structs, the store (queries and
// transactions) and the versioned migrations. It knows nothing of HTTP or
// of the state machine.
package models

import "time"

// Channel is how a dossier reached the board.
type Channel string

// The channels of ND 61/2018 (online, at the desk, by post).
const (
	ChannelOnline Channel = "online"
	ChannelDirect Channel = "direct"
	ChannelPostal Channel = "postal"
)

// Channels lists the valid channels.
var Channels = []Channel{ChannelOnline, ChannelDirect, ChannelPostal}

// Board is a tenant: one industrial-zone management board.
type Board struct {
	ID         uint   `gorm:"primaryKey"`
	Code       string `gorm:"size:16;uniqueIndex;not null"`
	NameVI     string `gorm:"size:255;not null"`
	NameEN     string `gorm:"size:255"`
	Province   string `gorm:"size:128"`
	AgencyCode string `gorm:"size:32;uniqueIndex;not null"` // V1V2V3.Z1Z2.Y1Y2.MX1X2, the prefix of dossier codes
	CreatedAt  time.Time
}

// Zone is an industrial zone managed by a board.
type Zone struct {
	ID      uint   `gorm:"primaryKey"`
	BoardID uint   `gorm:"index;not null"`
	Name    string `gorm:"size:255;not null"`
}

// User is a person who signs in: investor, officer, leader, manager or
// admin. Staff belong to a board (BoardID); investors and deployment-wide
// administrators to none.
type User struct {
	ID           uint   `gorm:"primaryKey"`
	BoardID      *uint  `gorm:"index"`
	Username     string `gorm:"size:128;uniqueIndex;not null"`
	FullName     string `gorm:"size:255"`
	Role         string `gorm:"size:16;not null"`
	Department   string `gorm:"size:128"`
	Email        string `gorm:"size:255;not null;default:''"` // where email notifications go; empty: none
	PasswordHash string `gorm:"size:255"`
	Active       bool   `gorm:"not null;default:true"`
	CreatedAt    time.Time
	// EmailVerifiedAt is when the owner proved the email address; an
	// account signs in only once it is set (accounts made by an
	// administrator are verified when made).
	EmailVerifiedAt *time.Time
}

// CatalogueVersion records a procedure version the deployment has loaded,
// so that dossiers can name the version they are bound to.
type CatalogueVersion struct {
	ID             uint      `gorm:"primaryKey"`
	Procedure      string    `gorm:"size:64;not null;uniqueIndex:idx_catalogue_proc_version"`
	VersionID      string    `gorm:"size:64;not null;uniqueIndex:idx_catalogue_proc_version"`
	EffectiveFrom  time.Time `gorm:"not null"`
	EffectiveUntil *time.Time
	Citation       string `gorm:"size:1024"`
	Checksum       string `gorm:"size:64"`
	LoadedAt       time.Time
}

// Dossier is one administrative dossier (hồ sơ) and its statutory clock.
// The engine writes every instant in Asia/Ho_Chi_Minh: SQLite stores
// instants as text with their offset and compares them as text, so one
// zone for all of them keeps comparisons right on both databases.
type Dossier struct {
	ID               uint64 `gorm:"primaryKey"`
	Code             string `gorm:"size:64;uniqueIndex;not null"`
	BoardID          uint   `gorm:"not null"`
	ZoneID           *uint
	Procedure        string  `gorm:"size:64;not null"`
	CatalogueVersion string  `gorm:"size:64;not null"`
	Variant          string  `gorm:"size:64;not null"`
	Channel          Channel `gorm:"size:16;not null"`
	Title            string  `gorm:"size:512"`
	ApplicantName    string  `gorm:"size:255;not null"`
	ApplicantTaxCode string  `gorm:"size:32"`
	ApplicantEmail   string  `gorm:"size:255"`
	ApplicantPhone   string  `gorm:"size:32"`
	InvestorID       *uint
	AssigneeID       *uint
	State            string `gorm:"size:64;not null"`
	Version          int    `gorm:"not null"` // optimistic-locking counter; equals the number of history rows

	SubmittedAt     time.Time `gorm:"not null"`
	ReceivedAt      *time.Time
	ClockState      string `gorm:"size:16;not null"`
	ClockStartedAt  *time.Time
	DueAt           *time.Time
	OriginalDueAt   *time.Time
	PausedAt        *time.Time
	RemainingDays   int
	PausedDays      int
	PausedSeconds   int64
	SupplementCount int
	ExtensionCount  int

	StepState     string `gorm:"size:64"`
	StepStartedAt *time.Time
	StepDueAt     *time.Time

	FinishedAt *time.Time
	Outcome    string     `gorm:"size:16"`
	EndState   string     `gorm:"size:64;not null;default:''"` // the state the dossier finished in (refused, withdrawn, …)
	OverdueAt  *time.Time // when a sweep first found the open dossier past its appointment
	// LastHash is the hash of the dossier's last history row (see
	// EventHash): the next row chains on it without another query.
	LastHash string `gorm:"size:64;not null;default:''"`

	// ExtensionProposalSeq is the history row (seq) of the extension an
	// officer proposed and no leader has decided yet; 0 when none is pending.
	ExtensionProposalSeq int `gorm:"not null;default:0"`
	// ResultMedium is how the decision's result is delivered: electronic
	// (ResultAttachmentID, downloadable once returned) or paper; "" before
	// a decision.
	ResultMedium       string `gorm:"size:16;not null;default:''"`
	ResultAttachmentID *uint64
	// TrackingPIN, with the code, lets anyone holding the receipt track the
	// dossier without signing in.
	TrackingPIN string `gorm:"size:16;not null;default:''"`
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Open reports whether the dossier is still being handled.
func (d *Dossier) Open() bool { return d.FinishedAt == nil }

// DossierEvent is one append-only history row: who did what, from which
// state to which, and how the step fared against its own deadline.
type DossierEvent struct {
	ID          uint64 `gorm:"primaryKey"`
	DossierID   uint64 `gorm:"not null;uniqueIndex:idx_dossier_events_seq"`
	Seq         int    `gorm:"not null;uniqueIndex:idx_dossier_events_seq"` // the dossier version this event produced
	Event       string `gorm:"size:64;not null"`
	FromState   string `gorm:"size:64"`
	ToState     string `gorm:"size:64;not null"`
	ActorID     *uint
	ActorRole   string    `gorm:"size:16;not null"`
	ActorName   string    `gorm:"size:255"`
	At          time.Time `gorm:"not null"`
	Comment     string    `gorm:"type:text"`
	StepState   string    `gorm:"size:64"`
	StepDueAt   *time.Time
	StepOutcome string     `gorm:"size:16"`
	DueAt       *time.Time // the appointment after the event
	Outcome     string     `gorm:"size:16"`
	Data        string     `gorm:"type:text"` // JSON: extension, documents, form numbers
	CreatedAt   time.Time
	// PrevHash is the Hash of the dossier's previous row (GenesisHash for
	// the first); Hash covers the row's content and PrevHash (EventHash).
	PrevHash string `gorm:"size:64;not null;default:''"`
	Hash     string `gorm:"size:64;not null;default:''"`
}

// AttachmentKind says what a file of a dossier is.
type AttachmentKind string

// The kinds of file: a paper of the dossier, or the decision's result
// (the permit, licence, certificate or refusal), which the investor may
// download only once the result is returned.
const (
	AttachmentDocument AttachmentKind = "document"
	AttachmentResult   AttachmentKind = "result"
)

// Attachment is the metadata of a file attached to a dossier.
type Attachment struct {
	ID           uint64 `gorm:"primaryKey"`
	DossierID    uint64 `gorm:"index;not null"`
	EventID      *uint64
	Kind         AttachmentKind `gorm:"size:16;not null;default:document"`
	DocumentCode string         `gorm:"size:64"`
	FileName     string         `gorm:"size:255;not null"`
	ContentType  string         `gorm:"size:128"`
	Size         int64
	SHA256       string `gorm:"size:64"`
	StorageKey   string `gorm:"size:512"`
	UploadedBy   *uint
	CreatedAt    time.Time
}

// DossierSequence is the per-board daily counter behind dossier codes.
type DossierSequence struct {
	BoardID uint   `gorm:"primaryKey;autoIncrement:false"`
	Day     string `gorm:"primaryKey;size:6"` // YYMMDD
	Last    int    `gorm:"not null"`
}
