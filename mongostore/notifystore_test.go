package mongostore

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/agencyhall/agencyhall/notify"
)

// TestInboxConcurrentWritersLoseNothing: many writers add notifications to
// one inbox and mark others read at the same time; the compare-and-swap
// keeps every change and the unread count right.
func TestInboxConcurrentWritersLoseNothing(t *testing.T) {
	s := openTestStore(t).Notify()
	ctx := context.Background()
	at := time.Date(2026, 11, 26, 1, 0, 0, 0, time.UTC)
	const writers, each = 6, 15
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				n := notify.Notification{ID: fmt.Sprintf("e%d-%d@u1", w, i), Kind: notify.KindResult, Title: "t", At: at.Add(time.Duration(i) * time.Second)}
				_, err := s.UpdateInbox(ctx, "u1", func(in *notify.Inbox) error {
					in.Items = append([]notify.Notification{n}, in.Items...)
					if w%2 == 0 && i%3 == 0 { // some writers also read an older one
						for k := range in.Items {
							if in.Items[k].ReadAt.IsZero() && k > 0 {
								in.Items[k].ReadAt = at
								break
							}
						}
					}
					unread := 0
					for _, x := range in.Items {
						if x.ReadAt.IsZero() {
							unread++
						}
					}
					in.Unread = unread
					return nil
				})
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	in, err := s.GetInbox(ctx, "u1")
	if err != nil {
		t.Fatal(err)
	}
	if len(in.Items) != writers*each {
		t.Fatalf("inbox holds %d notifications, want %d", len(in.Items), writers*each)
	}
	unread := 0
	for _, x := range in.Items {
		if x.ReadAt.IsZero() {
			unread++
		}
	}
	if in.Unread != unread || unread == len(in.Items) {
		t.Errorf("unread %d, counted %d of %d", in.Unread, unread, len(in.Items))
	}
}

// TestMailClaimOneWinner: senders racing to claim one mail; exactly one
// claim succeeds.
func TestMailClaimOneWinner(t *testing.T) {
	s := openTestStore(t).Notify()
	ctx := context.Background()
	now := time.Date(2026, 11, 26, 1, 0, 0, 0, time.UTC)
	if ok, err := s.AddMail(ctx, notify.Mail{ID: "m1", To: "a@example.cn", State: notify.MailPending, CreatedAt: now, NextAttemptAt: now}); !ok || err != nil {
		t.Fatalf("add: %v %v", ok, err)
	}
	if ok, _ := s.AddMail(ctx, notify.Mail{ID: "m1"}); ok {
		t.Error("a second insert of the same ID succeeded")
	}
	claimed := errors.New("claimed")
	var wg sync.WaitGroup
	wins := make(chan int, 8)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.UpdateMail(ctx, "m1", func(m *notify.Mail) error {
				if m.State != notify.MailPending {
					return claimed
				}
				m.State, m.Attempts, m.ClaimedUntil = notify.MailSending, m.Attempts+1, now.Add(5*time.Minute)
				return nil
			})
			if err == nil {
				wins <- i
			}
		}()
	}
	wg.Wait()
	close(wins)
	if n := len(wins); n != 1 {
		t.Fatalf("%d senders claimed the mail", n)
	}
	if due, err := s.DueMails(ctx, now.Add(time.Minute), 10); err != nil || len(due) != 0 {
		t.Errorf("a claimed mail is due again before its claim ends: %d %v", len(due), err)
	}
	if due, _ := s.DueMails(ctx, now.Add(5*time.Minute), 10); len(due) != 1 || due[0].Attempts != 1 {
		t.Errorf("a claim that ran out (its sender died): %+v", due)
	}
}
