package models

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"strconv"
	"time"
)

// The tamper-evident history (docs/SECURITY.md, "Tamper-evident history").
// Every history row stores Hash, the SHA-256 of its canonical encoding
// (eventEncodingV1), which begins with PrevHash, the Hash of the dossier's
// previous row (GenesisHash for the first). The dossier keeps the last
// row's Hash in LastHash, so that the next row is chained in Go, in the
// transition's one statement. Editing a row changes its hash; deleting,
// inserting or reordering rows breaks a link or the run of versions; a
// chain recomputed from the edit onwards changes the last row's hash of
// every later day, which the daily anchors (audit_anchors) committed to.

// GenesisHash is the PrevHash of a dossier's first row: 32 zero bytes, in
// hexadecimal.
const GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// eventDomain opens the encoding: the record type and the encoding's
// version. A new encoding gets a new version; rows keep the one they were
// written with.
const eventDomain = "motcua/dossier_event/v1"

// auditTimeLayout writes an instant in UTC with exactly six fractional
// digits: PostgreSQL keeps microseconds.
const auditTimeLayout = "2006-01-02T15:04:05.000000Z"

// auditEncoder builds the canonical encoding: each field is a tag byte, 0
// for NULL, or 1 followed by the value's length as a 4-byte big-endian
// unsigned integer and the value's UTF-8 bytes. Integers are written in
// decimal, instants with auditTimeLayout.
type auditEncoder struct{ b []byte }

func (e *auditEncoder) str(s string) {
	e.b = append(e.b, 1)
	e.b = binary.BigEndian.AppendUint32(e.b, uint32(len(s)))
	e.b = append(e.b, s...)
}

func (e *auditEncoder) null() { e.b = append(e.b, 0) }

func (e *auditEncoder) uint(n uint64) { e.str(strconv.FormatUint(n, 10)) }

func (e *auditEncoder) optUint(n *uint) {
	if n == nil {
		e.null()
		return
	}
	e.uint(uint64(*n))
}

func (e *auditEncoder) time(t time.Time) {
	e.str(t.UTC().Truncate(time.Microsecond).Format(auditTimeLayout))
}

func (e *auditEncoder) optTime(t *time.Time) {
	if t == nil {
		e.null()
		return
	}
	e.time(*t)
}

// eventEncodingV1 is the canonical encoding of a history row chained on
// prev: the fields eventDomain, prev (as stored: 64 hexadecimal digits),
// the dossier's code, seq, event, from_state, to_state, actor_id (NULL for the
// system), actor_role, actor_name, at, comment, step_state, step_due_at,
// step_outcome, due_at, outcome, data and created_at, in that order. The
// row's id and dossier_id, assigned by the database, are not part of it:
// on PostgreSQL a submission inserts the dossier and its first row in one
// statement, before its id is known. The dossier's national code, unique
// and never changed, names the dossier instead (moving a row to another
// dossier changes its hash), and its place in the chain is seq.
func eventEncodingV1(prev, code string, ev *DossierEvent) []byte {
	e := auditEncoder{b: make([]byte, 0, 256+len(ev.Comment)+len(ev.Data))}
	e.str(eventDomain)
	e.str(prev)
	e.str(code)
	e.uint(uint64(ev.Seq))
	e.str(ev.Event)
	e.str(ev.FromState)
	e.str(ev.ToState)
	e.optUint(ev.ActorID)
	e.str(ev.ActorRole)
	e.str(ev.ActorName)
	e.time(ev.At)
	e.str(ev.Comment)
	e.str(ev.StepState)
	e.optTime(ev.StepDueAt)
	e.str(ev.StepOutcome)
	e.optTime(ev.DueAt)
	e.str(ev.Outcome)
	e.str(ev.Data)
	e.time(ev.CreatedAt)
	return e.b
}

// EventHash is the hash of history row ev of the dossier with code,
// chained on prev: the SHA-256 of eventEncodingV1, in hexadecimal.
func EventHash(prev, code string, ev *DossierEvent) string {
	sum := sha256.Sum256(eventEncodingV1(prev, code, ev))
	return hex.EncodeToString(sum[:])
}

// truncTime returns t at the microsecond, as PostgreSQL stores it, in its
// own zone.
func truncTime(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	v := t.Truncate(time.Microsecond)
	return &v
}

// sealEvent sets ev's instants to what the database will store
// (microseconds), chains it on prev (GenesisHash for a first row) and sets
// its Hash. A zero CreatedAt is set to now.
func sealEvent(ev *DossierEvent, code, prev string) {
	if ev.CreatedAt.IsZero() {
		ev.CreatedAt = time.Now().UTC()
	}
	ev.At = ev.At.Truncate(time.Microsecond)
	ev.CreatedAt = ev.CreatedAt.Truncate(time.Microsecond)
	ev.StepDueAt, ev.DueAt = truncTime(ev.StepDueAt), truncTime(ev.DueAt)
	ev.PrevHash = prev
	ev.Hash = EventHash(prev, code, ev)
}
