package scoring

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/agencyhall/agencyhall/hall"
)

var t0 = time.Date(2026, 6, 1, 2, 0, 0, 0, time.UTC)

func day(n float64) time.Time { return t0.Add(time.Duration(n * 24 * float64(time.Hour))) }

func ev(id, kind, project string, at time.Time, data map[string]string) hall.Event {
	return hall.Event{ID: id, Kind: kind, ProjectID: project, AgencyID: "A", At: at, Data: data}
}

func contracted(p string, at, due time.Time) hall.Event {
	return ev(p+":c", hall.EventContracted, p, at, map[string]string{"due_at": due.Format(time.RFC3339)})
}

func delivered(p string, at, due time.Time) hall.Event {
	return ev(p+":d"+at.String(), hall.EventDelivered, p, at, map[string]string{"due_at": due.Format(time.RFC3339)})
}

func score(t *testing.T, asOf time.Time, voided map[string]bool, events ...hall.Event) Scorecard {
	t.Helper()
	e := NewEngine()
	for _, x := range events {
		e.Add(x)
	}
	return e.Scorecard("A", DefaultRules(), voided, asOf)
}

func TestRules(t *testing.T) {
	due := day(30)
	asOf := day(200)
	tests := []struct {
		name   string
		events []hall.Event
		want   Points
	}{
		{"no events: base", nil, 1000},
		{"on time and accepted: +0.5", []hall.Event{contracted("p", day(0), due), delivered("p", day(29), due),
			ev("a", hall.EventAccepted, "p", day(31), nil)}, 1005},
		{"exactly 7 days late: one week", []hall.Event{contracted("p", day(0), due), delivered("p", day(37), due)}, 980},
		{"8 days late: two started weeks", []hall.Event{contracted("p", day(0), due), delivered("p", day(38), due)}, 960},
		{"cap of -10 per project", []hall.Event{contracted("p", day(0), due), delivered("p", day(120), due)}, 900},
		{"not delivered yet: late so far", []hall.Event{contracted("p", day(0), due)}, 900},
		{"extension moves the due date", []hall.Event{contracted("p", day(0), due),
			ev("x", hall.EventExtended, "p", day(20), map[string]string{"due_at": day(40).Format(time.RFC3339)}),
			delivered("p", day(39), day(40)), ev("a", hall.EventAccepted, "p", day(41), nil)}, 1005},
		{"complaint general", []hall.Event{ev("c1", EventComplaintSubstantiated, "", day(10), map[string]string{"severity": "general"})}, 950},
		{"complaint serious", []hall.Event{ev("c1", EventComplaintSubstantiated, "", day(10), map[string]string{"severity": "serious"})}, 900},
		{"abandonment", []hall.Event{ev("ab", hall.EventAbandoned, "p", day(10), nil)}, 900},
		{"returned three times", []hall.Event{ev("r1", hall.EventReturnedDelivery, "p", day(1), nil),
			ev("r2", hall.EventReturnedDelivery, "p", day(2), nil), ev("r3", hall.EventReturnedDelivery, "p", day(3), nil)}, 980},
		{"returned twice: nothing", []hall.Event{ev("r1", hall.EventReturnedDelivery, "p", day(1), nil),
			ev("r2", hall.EventReturnedDelivery, "p", day(2), nil)}, 1000},
		{"rating average 1.8", []hall.Event{ev("e", hall.EventEvaluated, "p", day(5), map[string]string{"stars_sum": "9"})}, 950},
		{"rating average 2.0", []hall.Event{ev("e", hall.EventEvaluated, "p", day(5), map[string]string{"stars_sum": "10"})}, 980},
		{"rating average 3.0", []hall.Event{ev("e", hall.EventEvaluated, "p", day(5), map[string]string{"stars_sum": "15"})}, 1000},
		{"rating average 4.4", []hall.Event{ev("e", hall.EventEvaluated, "p", day(5), map[string]string{"stars_sum": "22"})}, 1000},
		{"rating average 4.6", []hall.Event{ev("e", hall.EventEvaluated, "p", day(5), map[string]string{"stars_sum": "23"})}, 1010},
		{"commendation", []hall.Event{ev("k", EventCommendation, "", day(5), nil)}, 1030},
		{"false materials", []hall.Event{ev("f", EventFalseMaterials, "", day(5), nil)}, 700},
		{"outside the 12-month window", []hall.Event{ev("c1", EventComplaintSubstantiated, "", asOf.Add(-Window), map[string]string{"severity": "serious"})}, 1000},
		{"clamped at 0", func() []hall.Event {
			var out []hall.Event
			for i := 0; i < 5; i++ {
				out = append(out, ev(fmt.Sprint("f", i), EventFalseMaterials, "", day(float64(i)), nil))
			}
			return out
		}(), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc := score(t, asOf, nil, tt.events...)
			if sc.Score != tt.want {
				t.Fatalf("score %s, want %s; items %+v", sc.Score, tt.want, sc.Items)
			}
			if sc.Grade != Grade(sc.Score) {
				t.Fatal("grade mismatch")
			}
		})
	}
}

func TestRatingExactlyFourPointFive(t *testing.T) {
	// Two dimensions of 4 and 5 stars average exactly 4.5: counts as excellent.
	if got := ratingRule(9, 2); got != RuleRatingExcellent {
		t.Fatalf("4.5 average: %q", got)
	}
	if got := ratingRule(8, 2); got != "" {
		t.Fatalf("4.0 average: %q", got)
	}
}

func TestOnTimeCapAndClampAt110(t *testing.T) {
	var events []hall.Event
	for i := 0; i < 25; i++ {
		p := fmt.Sprintf("p%02d", i)
		events = append(events, contracted(p, day(float64(i)), day(float64(i+10))), delivered(p, day(float64(i+5)), day(float64(i+10))),
			ev(p+":a", hall.EventAccepted, p, day(float64(i+6)), nil))
	}
	sc := score(t, day(200), nil, events...)
	if sc.Score != 1100 {
		// 25 × 0.5 = 12.5 capped at +10 → 110.
		t.Fatalf("score %s, want 110", sc.Score)
	}
	events = append(events, ev("k", EventCommendation, "", day(50), nil))
	if sc := score(t, day(200), nil, events...); sc.Score != 1100 {
		t.Fatalf("clamp at 110: %s", sc.Score)
	}
}

func TestAppealVoidsLineItem(t *testing.T) {
	events := []hall.Event{ev("c1", EventComplaintSubstantiated, "", day(10), map[string]string{"severity": "general"})}
	sc := score(t, day(100), map[string]bool{"complaint_general:c1": true}, events...)
	if sc.Score != 1000 || len(sc.Items) != 1 || !sc.Items[0].Voided {
		t.Fatalf("upheld appeal: %+v", sc)
	}
}

func TestDeterministic(t *testing.T) {
	events := []hall.Event{contracted("p", day(0), day(30)), delivered("p", day(45), day(30)),
		ev("c1", EventComplaintSubstantiated, "", day(10), map[string]string{"severity": "minor"}),
		ev("e", hall.EventEvaluated, "p", day(50), map[string]string{"stars_sum": "12"})}
	a, _ := json.Marshal(score(t, day(100), nil, events...))
	// The same events in another order give byte-identical scorecards.
	rev := make([]hall.Event, len(events))
	for i := range events {
		rev[len(events)-1-i] = events[i]
	}
	b, _ := json.Marshal(score(t, day(100), nil, rev...))
	if string(a) != string(b) {
		t.Fatalf("not deterministic:\n%s\n%s", a, b)
	}
	// 15 days late = 3 started weeks (−6), minor complaint (−3), rating 2.4 (−2).
	var sc Scorecard
	json.Unmarshal(a, &sc)
	if sc.Score != 890 || sc.Grade != "B" {
		t.Fatalf("score %s grade %s", sc.Score, sc.Grade)
	}
}

func TestPointsString(t *testing.T) {
	for p, want := range map[Points]string{5: "+0.5", -20: "-2", 875: "+87.5", 0: "0", -5: "-0.5"} {
		if got := p.String(); got != want {
			t.Errorf("%d → %q, want %q", p, got, want)
		}
	}
}
