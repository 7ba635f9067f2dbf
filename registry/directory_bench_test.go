package registry

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"testing"
	"time"
)

// benchDirectory builds a directory of n agencies with 8 listings each over
// a 40-item catalog, spread over 10 regions of one province.
func benchDirectory(n int) (*Directory, []ServiceItem) {
	rng := rand.New(rand.NewPCG(1, 2))
	var items []ServiceItem
	for i := 0; i < 40; i++ {
		items = append(items, ServiceItem{Code: fmt.Sprintf("ZJ-%03d", i), Stage: Stages[i%5], Enabled: true,
			Qualifications: []string{fmt.Sprintf("资质%d", i%12)}, QualMode: QualAnyOf, TimeLimitDays: 30})
	}
	d := NewDirectory()
	d.SetCatalog(items)
	regions := []string{"620102", "620103", "620104", "620105", "620111", "620121", "620122", "620123", "620402", "620502"}
	words := []string{"陇原", "金城", "黄河", "丝路", "祁连", "敦煌", "天水", "河西", "兴陇", "西部"}
	kinds := []string{"工程咨询", "环境科技", "测绘", "检测", "规划设计", "安全评价"}
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		a := Agency{ID: fmt.Sprintf("agency:%05d", i), Status: StatusActive, AdmittedAt: base.Add(time.Duration(i) * time.Hour),
			Profile: Profile{Name: fmt.Sprintf("甘肃%s%s有限公司%d", words[rng.IntN(len(words))], kinds[rng.IntN(len(kinds))], i),
				USCC: fmt.Sprintf("9162%014d", i), Region: regions[rng.IntN(len(regions))]}}
		for q := 0; q < 3; q++ {
			a.Profile.Qualifications = append(a.Profile.Qualifications, Qualification{ID: fmt.Sprint(q), Type: fmt.Sprintf("资质%d", rng.IntN(12)),
				ValidFrom: Date{2024, 1, 1}, ValidTo: Date{2026 + rng.IntN(3), time.Month(1 + rng.IntN(12)), 1}})
		}
		for l := 0; l < 8; l++ {
			a.Listings = append(a.Listings, Listing{ItemCode: items[rng.IntN(len(items))].Code, CommittedDays: 20})
		}
		d.Put(a)
	}
	return d, items
}

// BenchmarkDirectorySearch measures filtered, paginated directory queries
// at 5,000 agencies and 40,000 listings and reports the p95 latency.
func BenchmarkDirectorySearch(b *testing.B) {
	d, items := benchDirectory(5000)
	now := time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC)
	queries := []DirectoryQuery{
		{ItemCode: items[3].Code, Region: "620100", Sort: SortName, Page: 2, PageSize: 20, Now: now},
		{Stage: StagePlanning, Sort: SortNewest, Page: 1, PageSize: 20, Now: now},
		{Text: "陇原", QualType: "资质3", Page: 1, PageSize: 50, Now: now},
		{Sort: SortName, Page: 100, PageSize: 20, Now: now}, // no filter: the whole directory sorted by pinyin
	}
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		d.Search(queries[i%len(queries)])
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)*95/100].Microseconds())/1000, "p95-ms")
}
