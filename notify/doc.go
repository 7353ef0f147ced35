// Package notify delivers the notification outbox: the rows the engine and
// the deadline sweeps write in their own transactions (models.Notification)
// are rendered in Vietnamese and English and sent after commit by a
// Worker, by email over SMTP or, when SMTP is off, to the log. Delivery is
// at least once: each row is locked (FOR UPDATE SKIP LOCKED on PostgreSQL)
// while it is sent and marked in the same transaction, and every message
// carries a stable Message-ID so that a receiver can drop the one duplicate
// a crash between sending and committing could cause.
package notify
