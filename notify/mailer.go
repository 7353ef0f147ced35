package notify

import (
	"context"
	"fmt"
	"log/slog"
	"mime"
	"os"
	"path/filepath"
	"strings"
	"time"

	mail "github.com/wneessen/go-mail"
)

// Message is one rendered email.
type Message struct {
	NotificationID uint64
	To             string
	Subject        string
	Text           string
	MessageID      string // stable per notification: <notification-ID@domain>
}

// Mailer sends one message.
type Mailer interface {
	Send(ctx context.Context, m Message) error
}

// LogMailer writes messages to the log instead of sending them: the
// channel when SMTP is not configured.
type LogMailer struct{ Log *slog.Logger }

// Send logs m and never fails.
func (l LogMailer) Send(_ context.Context, m Message) error {
	l.Log.Info("notification (SMTP off: logged, not sent)", "notification", m.NotificationID, "to", m.To,
		"subject", m.Subject, "message_id", m.MessageID)
	return nil
}

// SMTPConfig is the SMTP relay configuration (MOTCUA_SMTP_*).
type SMTPConfig struct {
	Host     string // empty: SMTP off
	Port     int    // default 587
	Username string // empty: no authentication
	Password string
	From     string // the sender address, e.g. "Một cửa BQL <motcua@bqlkcn.gov.vn>"
	TLS      string // "starttls" (default, mandatory), "opportunistic", "tls" (implicit, port 465) or "none"
	Timeout  time.Duration
}

// Enabled reports whether an SMTP host is configured.
func (c SMTPConfig) Enabled() bool { return c.Host != "" }

// SMTPMailer sends messages through an SMTP relay with go-mail.
type SMTPMailer struct {
	cfg  SMTPConfig
	opts []mail.Option
}

// NewSMTPMailer checks cfg and builds the mailer.
func NewSMTPMailer(cfg SMTPConfig) (*SMTPMailer, error) {
	if cfg.From == "" {
		return nil, fmt.Errorf("notify: MOTCUA_SMTP_FROM is required when MOTCUA_SMTP_HOST is set")
	}
	opts, err := smtpOptions(cfg)
	if err != nil {
		return nil, err
	}
	return &SMTPMailer{cfg: cfg, opts: opts}, nil
}

// smtpOptions turns cfg into go-mail client options.
func smtpOptions(cfg SMTPConfig) ([]mail.Option, error) {
	port, timeout := cfg.Port, cfg.Timeout
	if port == 0 {
		port = 587
	}
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	opts := []mail.Option{mail.WithPort(port), mail.WithTimeout(timeout)}
	switch strings.ToLower(cfg.TLS) {
	case "", "starttls":
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	case "opportunistic":
		opts = append(opts, mail.WithTLSPolicy(mail.TLSOpportunistic))
	case "tls":
		opts = append(opts, mail.WithSSL())
	case "none":
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	default:
		return nil, fmt.Errorf("notify: MOTCUA_SMTP_TLS %q is not one of starttls, opportunistic, tls, none", cfg.TLS)
	}
	if cfg.Username != "" {
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthPlain), mail.WithUsername(cfg.Username),
			mail.WithPassword(cfg.Password))
	}
	return opts, nil
}

// Send builds the message (UTF-8, the subject encoded for its diacritics)
// and sends it on a new connection.
func (s *SMTPMailer) Send(ctx context.Context, m Message) error {
	msg := mail.NewMsg(mail.WithCharset(mail.CharsetUTF8))
	if err := msg.From(s.cfg.From); err != nil {
		return fmt.Errorf("notify: sender %q: %w", s.cfg.From, err)
	}
	if err := msg.To(m.To); err != nil {
		return fmt.Errorf("notify: recipient %q: %w", m.To, err)
	}
	msg.Subject(m.Subject)
	msg.SetMessageIDWithValue(m.MessageID)
	msg.SetDate()
	msg.SetBodyString(mail.TypeTextPlain, m.Text)
	client, err := mail.NewClient(s.cfg.Host, s.opts...)
	if err != nil {
		return fmt.Errorf("notify: SMTP client: %w", err)
	}
	if err := client.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("notify: send to %s: %w", m.To, err)
	}
	return nil
}

// FileMailer writes each message to a file in Dir instead of sending it:
// the channel when SMTP is not configured, so that a developer opens the
// verification or reset email of a local install. The log names the file
// only: a message may carry a one-time link.
type FileMailer struct {
	Dir string
	Log *slog.Logger
}

// Send writes m to Dir/<Message-ID>.eml (RFC 5322 headers, UTF-8 text).
func (f FileMailer) Send(_ context.Context, m Message) error {
	if err := os.MkdirAll(f.Dir, 0o700); err != nil {
		return fmt.Errorf("notify: mail directory: %w", err)
	}
	name := filepath.Join(f.Dir, strings.NewReplacer("@", "_", "/", "_").Replace(m.MessageID)+".eml")
	var b strings.Builder
	fmt.Fprintf(&b, "Message-ID: <%s>\r\nTo: %s\r\nSubject: %s\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n",
		m.MessageID, m.To, mime.QEncoding.Encode("utf-8", m.Subject), m.Text)
	if err := os.WriteFile(name, []byte(b.String()), 0o600); err != nil {
		return fmt.Errorf("notify: write %s: %w", name, err)
	}
	if f.Log != nil {
		f.Log.Info("notification written, not sent (SMTP off)", "notification", m.NotificationID, "file", name)
	}
	return nil
}
