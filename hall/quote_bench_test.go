package hall_test

import (
	"context"
	"testing"
	"time"

	"github.com/agencyhall/agencyhall/hall"
)

// BenchmarkSubmitQuote measures one sealed quote on a project with 300
// sign-ups on the embedded database, sequentially.
func BenchmarkSubmitQuote(b *testing.B) {
	f := newFixture(b, 300)
	ctx := context.Background()
	p := f.published(b, hall.MethodLowest, hall.FundingSocial)
	for i := 0; i < 300; i++ {
		if _, err := f.svc.SignUp(ctx, agent(i), p.ID); err != nil {
			b.Fatal(err)
		}
	}
	f.clk.set(p.SignupDeadline.Add(-time.Hour))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := f.svc.SubmitQuote(ctx, agent(i%300), p.ID, int64(200_000_00+i)); err != nil {
			b.Fatal(err)
		}
	}
}
