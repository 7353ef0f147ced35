// Package notifytest gives tests a real SMTP server (github.com/emersion/go-smtp)
// in the test process, which records the messages the notification worker
// sends, and a parser for them.
package notifytest

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// Mail is one message a Server received: the envelope and the raw data.
type Mail struct {
	From string   // MAIL FROM
	To   []string // RCPT TO, in order
	Data []byte   // the message as sent after DATA
}

// Server is an in-process SMTP server (github.com/emersion/go-smtp) on
// 127.0.0.1 that records every message it accepts. onData, when set, sees
// each message once its data is read and before it is accepted: an error
// rejects it (an *smtp.SMTPError is sent as is) and the message is not
// recorded.
type Server struct {
	Port int

	mu     sync.Mutex
	mails  []Mail
	datas  int // DATA commands seen, accepted or not
	onData func(m Mail) error
}

// NewServer starts a server, closed when the test ends; onData may be nil.
func NewServer(t testing.TB, onData func(m Mail) error) *Server {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{Port: l.Addr().(*net.TCPAddr).Port, onData: onData}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &smtpSession{s: s}, nil }))
	srv.Domain = "smtp.test"
	srv.ReadTimeout, srv.WriteTimeout = 30*time.Second, 30*time.Second
	srv.MaxMessageBytes = 1 << 20
	srv.EnableSMTPUTF8 = true
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return s
}

// Mails returns a copy of the messages accepted so far.
func (s *Server) Mails() []Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Mail(nil), s.mails...)
}

// DataCommands is how many messages were offered, accepted or not.
func (s *Server) DataCommands() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.datas
}

// smtpSession is one SMTP connection.
type smtpSession struct {
	s    *Server
	from string
	to   []string
}

func (c *smtpSession) Mail(from string, _ *smtp.MailOptions) error { c.from = from; return nil }
func (c *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error   { c.to = append(c.to, to); return nil }
func (c *smtpSession) Reset()                                      { c.from, c.to = "", nil }
func (c *smtpSession) Logout() error                               { return nil }

func (c *smtpSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m := Mail{From: c.from, To: append([]string(nil), c.to...), Data: b}
	c.s.mu.Lock()
	c.s.datas++
	hook := c.s.onData
	c.s.mu.Unlock()
	if hook != nil {
		if err := hook(m); err != nil {
			return err
		}
	}
	c.s.mu.Lock()
	c.s.mails = append(c.s.mails, m)
	c.s.mu.Unlock()
	return nil
}

// Parsed is a received message's headers, decoded, and its text body.
type Parsed struct {
	Header    mail.Header
	Subject   string // RFC 2047 decoded
	MessageID string // with its angle brackets
	Body      string // transfer-decoded
}

// Parse reads m's data as an RFC 5322 message.
func Parse(t testing.TB, m Mail) Parsed {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
	if err != nil {
		t.Fatalf("unparsable message: %v\n%s", err, m.Data)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		t.Fatalf("subject %q: %v", msg.Header.Get("Subject"), err)
	}
	raw, err := io.ReadAll(msg.Body)
	if err != nil {
		t.Fatal(err)
	}
	var body []byte
	switch strings.ToLower(msg.Header.Get("Content-Transfer-Encoding")) {
	case "quoted-printable":
		body, err = io.ReadAll(quotedprintable.NewReader(bytes.NewReader(raw)))
	case "base64":
		body, err = io.ReadAll(base64.NewDecoder(base64.StdEncoding, bytes.NewReader(bytes.ReplaceAll(raw, []byte("\r\n"), nil))))
	default:
		body = raw
	}
	if err != nil {
		t.Fatalf("body: %v\n%s", err, m.Data)
	}
	return Parsed{Header: msg.Header, Subject: subject, MessageID: msg.Header.Get("Message-Id"), Body: string(body)}
}
