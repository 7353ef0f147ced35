package main

import (
	"context"
	"log/slog"
	"path/filepath"
	"time"

	"gorm.io/gorm"

	"github.com/motcua/motcua/config"
	"github.com/motcua/motcua/notify"
	"github.com/motcua/motcua/workflow"
)

// newMailer is SMTP when a relay is configured; otherwise emails are
// written to files under the data directory (mail/).
func newMailer(cfg config.Config, log *slog.Logger) (notify.Mailer, error) {
	if cfg.SMTP.Host == "" {
		return notify.FileMailer{Dir: filepath.Join(cfg.DataDir, "mail"), Log: log}, nil
	}
	return notify.NewSMTPMailer(notify.SMTPConfig{Host: cfg.SMTP.Host, Port: cfg.SMTP.Port, Username: cfg.SMTP.Username,
		Password: cfg.SMTP.Password, From: cfg.SMTP.From, TLS: cfg.SMTP.TLS})
}

// newWorker builds the outbox worker over db. It commits each message on
// its own (Batch 1): a process killed after the relay accepted a message
// and before the commit that marks it sent sends that one message again
// on restart, not the rest of a batch (README, "Crash safety").
func newWorker(cfg config.Config, db *gorm.DB, eng *workflow.Engine, log *slog.Logger) (*notify.Worker, error) {
	mailer, err := newMailer(cfg, log)
	if err != nil {
		return nil, err
	}
	return &notify.Worker{DB: db, Mailer: mailer, Log: log, Batch: 1,
		Renderer: &notify.Renderer{DB: db, Cat: eng.Catalogue(), PublicURL: cfg.PublicURL}}, nil
}

// startOutbox runs the outbox worker in the background until the returned
// stop function is called; stop waits for the batch in hand to commit.
func startOutbox(cfg config.Config, db *gorm.DB, eng *workflow.Engine, log *slog.Logger) (stop func(), err error) {
	w, err := newWorker(cfg, db, eng, log)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.Run(ctx, cfg.OutboxInterval, time.Now)
	}()
	return func() { cancel(); <-done }, nil
}
