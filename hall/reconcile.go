package hall

import (
	"context"
	"time"
)

// A state change is saved first and its events written after it (emit),
// so a process that ends between the two writes — kill -9, a crash, a
// power cut — leaves timeline steps without their events: the opening of a
// project without its "opened" event, a decided selection without
// "selected". Scoring counts events and the message centre tells people of
// them, so such a gap would last. Events are keyed by project and step,
// which makes writing them again harmless; serve does so at start-up for
// the steps of the last minutes before the previous process ended.

// ReemitWindow is how far before the latest step EmitRecent looks.
const ReemitWindow = 10 * time.Minute

// LastStepAt is the time of the latest timeline step of any project at or
// before now. (Steps dated later were made on a clock set ahead — the demo
// data has some — not by the process that ended.)
func (s *Service) LastStepAt(now time.Time) time.Time {
	var last time.Time
	for _, p := range s.cache.newestFirst() {
		for i := len(p.Timeline) - 1; i >= 0; i-- {
			if at := p.Timeline[i].At; !at.After(now) {
				if at.After(last) {
					last = at
				}
				break
			}
		}
	}
	return last
}

// EmitRecent writes again the events of every timeline step taken at or
// after since and returns how many steps it went through.
func (s *Service) EmitRecent(ctx context.Context, since time.Time) int {
	n := 0
	for _, p := range s.cache.newestFirst() {
		from := len(p.Timeline)
		for from > 0 && !p.Timeline[from-1].At.Before(since) {
			from--
		}
		if from < len(p.Timeline) {
			s.emit(ctx, *p, from)
			n += len(p.Timeline) - from
		}
	}
	return n
}
