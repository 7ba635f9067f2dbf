package notify

import (
	"bytes"
	"context"
	"embed"
	"errors"
	htmltemplate "html/template"
	"strings"
	"text/template"
	"time"

	"github.com/agencyhall/agencyhall/apperr"
)

// Mailer sends one e-mail (SMTPMailer in production).
type Mailer interface {
	Send(ctx context.Context, m Message) error
}

// Message is one e-mail to send. ID is the outbox mail's ID: the mailer
// derives the Message-ID header from it, so a copy sent twice (the crash
// window below) carries the same Message-ID.
type Message struct {
	ID      string
	To      string
	Subject string
	Text    string
	HTML    string
	Date    time.Time
}

// PermanentError marks a failure that retrying cannot fix (the server
// refused the recipient): the mail fails at once.
type PermanentError struct{ Err error }

func (e *PermanentError) Error() string { return e.Err.Error() }
func (e *PermanentError) Unwrap() error { return e.Err }

// Outbox back-off: the wait after the n-th failed attempt doubles from
// mailBase up to mailMax; after mailTries (about a day and a half of
// outage) the mail fails and stays in the outbox as failed.
const (
	mailBase  = time.Minute
	mailMax   = time.Hour
	mailTries = 40
	// mailClaim is how long a sender owns a mail it claimed. A sender that
	// dies after the server accepted the mail but before marking it sent
	// leaves it claimed; after this it is sent again — the one window in
	// which a mail can arrive twice (with the same Message-ID).
	mailClaim = 5 * time.Minute
	// mailKeep is how long sent and failed mails stay in the outbox;
	// deliveryKeep how long finished webhook deliveries stay in the log.
	mailKeep     = 7 * 24 * time.Hour
	deliveryKeep = 30 * 24 * time.Hour
)

//go:embed templates/mail.txt templates/mail.html
var mailFS embed.FS

var (
	mailText = template.Must(template.ParseFS(mailFS, "templates/mail.txt"))
	mailHTML = htmltemplate.Must(htmltemplate.ParseFS(mailFS, "templates/mail.html"))
)

type mailView struct {
	SiteName, Name, Title, Body, At, URL, SettingsURL, KindLabel string
}

// renderMail builds a mail's subject and bodies from a notification.
func (s *Service) renderMail(r Recipient, n Notification) (subject, text, html string, err error) {
	v := mailView{SiteName: s.SiteName, Name: r.Name, Title: n.Title, Body: n.Body, At: when(n.At), KindLabel: n.Kind.Label()}
	if v.Name == "" {
		v.Name = r.UserID
	}
	if s.BaseURL != "" {
		v.URL, v.SettingsURL = s.BaseURL+n.Link, s.BaseURL+"/notifications/settings"
		if n.Link == "" {
			v.URL = ""
		}
	}
	var tb, hb bytes.Buffer
	if err := mailText.Execute(&tb, v); err != nil {
		return "", "", "", err
	}
	if err := mailHTML.Execute(&hb, v); err != nil {
		return "", "", "", err
	}
	return "【" + s.SiteName + "】" + n.Title, tb.String(), hb.String(), nil
}

// queueMail writes a notification's e-mail to the outbox when the user
// has an address and chose e-mail for its kind. It reports whether a new
// mail was queued.
func (s *Service) queueMail(ctx context.Context, r Recipient, n Notification) (bool, error) {
	if s.Mailer == nil || strings.TrimSpace(r.Email) == "" {
		return false, nil
	}
	prefs, err := s.Store.GetPreferences(ctx, r.UserID)
	if err != nil {
		return false, err
	}
	if !prefs.WantsMail(n.Kind) {
		return false, nil
	}
	subject, text, html, err := s.renderMail(r, n)
	if err != nil {
		return false, err
	}
	now := s.Now().UTC()
	return s.Store.AddMail(ctx, Mail{ID: n.ID, UserID: r.UserID, To: strings.TrimSpace(r.Email), Kind: n.Kind, Subject: subject,
		Text: text, HTML: html, CreatedAt: now, State: MailPending, NextAttemptAt: now})
}

// SendMail is the outbox job: it claims each due mail by compare-and-swap,
// sends it, and marks it sent — or schedules the next attempt with
// exponential back-off. Two senders never send the same claimed mail; a
// server outage only delays. It returns the mails sent.
func (s *Service) SendMail(ctx context.Context) (int, error) {
	if s.Mailer == nil {
		return 0, nil
	}
	due, err := s.Store.DueMails(ctx, s.Now().UTC(), 200)
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, m := range due {
		ok, err := s.sendOne(ctx, m)
		if err != nil {
			return sent, err
		}
		if ok {
			sent++
		}
	}
	return sent, nil
}

// sendOne claims, sends and records one mail; it reports whether it was sent.
func (s *Service) sendOne(ctx context.Context, m Mail) (bool, error) {
	now := s.Now().UTC()
	m, err := s.Store.UpdateMail(ctx, m.ID, func(x *Mail) error {
		claimable := x.State == MailPending && !now.Before(x.NextAttemptAt) ||
			x.State == MailSending && !now.Before(x.ClaimedUntil)
		if !claimable {
			return errClaimed
		}
		x.State, x.ClaimedUntil = MailSending, now.Add(mailClaim)
		x.Attempts++
		return nil
	})
	if errors.Is(err, errClaimed) || apperr.Is(err, apperr.KindNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	sendErr := s.Mailer.Send(ctx, Message{ID: m.ID, To: m.To, Subject: m.Subject, Text: m.Text, HTML: m.HTML, Date: m.CreatedAt})
	end := s.Now().UTC()
	var perm *PermanentError
	_, err = s.Store.UpdateMail(ctx, m.ID, func(x *Mail) error {
		x.ClaimedUntil = time.Time{}
		switch {
		case sendErr == nil:
			x.State, x.SentAt, x.LastError = MailSent, end, ""
		case errors.As(sendErr, &perm) || x.Attempts >= mailTries:
			x.State, x.LastError = MailFailed, truncate(sendErr.Error(), 300)
		default:
			x.State, x.LastError = MailPending, truncate(sendErr.Error(), 300)
			x.NextAttemptAt = end.Add(Backoff(mailBase, mailMax, x.Attempts))
		}
		return nil
	})
	if sendErr != nil {
		s.Logger.Warn("mail not sent", "mail", m.ID, "attempt", m.Attempts, "error", sendErr)
	}
	return sendErr == nil, err
}

// Prune is the daily clean-up: sent and failed mails after a week, finished
// webhook deliveries after 30 days.
func (s *Service) Prune(ctx context.Context) (int, error) {
	now := s.Now().UTC()
	n, err := s.Store.PruneMails(ctx, now.Add(-mailKeep))
	if err != nil {
		return n, err
	}
	m, err := s.Store.PruneDeliveries(ctx, now.Add(-deliveryKeep))
	return n + m, err
}
