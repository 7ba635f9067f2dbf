package notify

import (
	"context"
	"fmt"
	"sort"

	"github.com/agencyhall/agencyhall/registry"
)

// Qualification events, raised by the daily scan.
const (
	EventQualExpiring = "qualification.expiring"
	EventQualExpired  = "qualification.expired"
)

// ScanQualifications is the daily job: it walks the registry's in-memory
// directory and warns each admitted agency once per level its
// qualifications reach — 60, 30 and 15 days before expiry, and on expiry
// (registry.ExpiryLevel). A mark per qualification, expiry date and level
// keeps reruns and restarts from warning twice. It returns the warnings
// queued.
func (s *Service) ScanQualifications(ctx context.Context) (int, error) {
	if s.Registry == nil {
		return 0, nil
	}
	now := s.Now().UTC()
	today := registry.DateOf(now)
	type due struct {
		agency string
		q      registry.Qualification
		level  int
	}
	var list []due
	s.Registry.Directory().Each(func(a registry.Agency) {
		for _, q := range a.Profile.Qualifications {
			if lvl := registry.ExpiryLevel(q, today); lvl != 0 {
				list = append(list, due{a.ID, q, lvl})
			}
		}
	}, registry.StatusActive, registry.StatusSuspended)
	sort.Slice(list, func(i, j int) bool {
		if list[i].agency != list[j].agency {
			return list[i].agency < list[j].agency
		}
		return list[i].q.ID < list[j].q.ID
	})
	n := 0
	for _, d := range list {
		key := fmt.Sprintf("qualification:%s:%s:%s:%d", d.agency, d.q.ID, d.q.ValidTo, d.level)
		done, err := s.Store.Marked(ctx, key)
		if err != nil {
			return n, err
		}
		if done {
			continue
		}
		typ := EventQualExpiring
		if d.level < 0 {
			typ = EventQualExpired
		}
		// Queue first, then mark: a crash between the two queues the
		// warning again tomorrow, and the inbox keeps it once.
		if err := s.enqueue(ctx, Event{ID: key, Type: typ, AgencyID: d.agency, At: now, Data: map[string]string{
			"type": d.q.Type, "cert_no": d.q.CertNo, "valid_to": d.q.ValidTo.String(), "days": fmt.Sprint(today.DaysUntil(d.q.ValidTo))}}); err != nil {
			return n, err
		}
		if _, err := s.Store.Mark(ctx, key, now); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
