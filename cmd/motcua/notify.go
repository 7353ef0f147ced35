package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"time"

	"gorm.io/gorm"

	"github.com/motcua/motcua/notify"
	"github.com/motcua/motcua/workflow"
)

// smtpConfig reads MOTCUA_SMTP_HOST, _PORT, _USERNAME, _PASSWORD, _FROM and _TLS.
func smtpConfig() (notify.SMTPConfig, error) {
	cfg := notify.SMTPConfig{Host: os.Getenv("MOTCUA_SMTP_HOST"), Username: os.Getenv("MOTCUA_SMTP_USERNAME"),
		Password: os.Getenv("MOTCUA_SMTP_PASSWORD"), From: os.Getenv("MOTCUA_SMTP_FROM"), TLS: os.Getenv("MOTCUA_SMTP_TLS")}
	if s := os.Getenv("MOTCUA_SMTP_PORT"); s != "" {
		port, err := strconv.Atoi(s)
		if err != nil || port <= 0 || port > 65535 {
			return cfg, fmt.Errorf("MOTCUA_SMTP_PORT: %q is not a port number", s)
		}
		cfg.Port = port
	}
	return cfg, nil
}

// newMailer is SMTP when MOTCUA_SMTP_HOST is set, else the log.
func newMailer(log *slog.Logger) (notify.Mailer, error) {
	cfg, err := smtpConfig()
	if err != nil {
		return nil, err
	}
	if !cfg.Enabled() {
		return notify.LogMailer{Log: log}, nil
	}
	return notify.NewSMTPMailer(cfg)
}

// newWorker builds the outbox worker over db.
func newWorker(db *gorm.DB, eng *workflow.Engine, log *slog.Logger) (*notify.Worker, error) {
	mailer, err := newMailer(log)
	if err != nil {
		return nil, err
	}
	return &notify.Worker{DB: db, Mailer: mailer, Log: log,
		Renderer: &notify.Renderer{DB: db, Cat: eng.Catalogue()}}, nil
}

// outboxInterval reads MOTCUA_OUTBOX_INTERVAL (default 5s).
func outboxInterval() (time.Duration, error) {
	s := os.Getenv("MOTCUA_OUTBOX_INTERVAL")
	if s == "" {
		return notify.DefaultInterval, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("MOTCUA_OUTBOX_INTERVAL: %q is not a positive duration such as 5s", s)
	}
	return d, nil
}

// startOutbox runs the outbox worker in the background until the returned
// stop function is called; stop waits for the batch in hand to commit.
func startOutbox(db *gorm.DB, eng *workflow.Engine, log *slog.Logger) (stop func(), err error) {
	w, err := newWorker(db, eng, log)
	if err != nil {
		return nil, err
	}
	interval, err := outboxInterval()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.Run(ctx, interval, time.Now)
	}()
	return func() { cancel(); <-done }, nil
}
