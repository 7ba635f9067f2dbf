package demo

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/auth"
	"github.com/agencyhall/agencyhall/hall"
	"github.com/agencyhall/agencyhall/registry"
)

// Scale sizes generated data. City is one city's platform over two years;
// a province is five cities.
type Scale struct {
	Agencies int // each lists up to 8 services (16,000 listings for a city)
	Owners   int
	Projects int // spread over two years; about 5 sign-ups (and quotes) each
}

// CityScale is the reference size of the performance targets.
var CityScale = Scale{Agencies: 2000, Owners: 400, Projects: 20000}

// Times multiplies a scale (1 is a city, 5 a province).
func (s Scale) Times(f float64) Scale {
	return Scale{Agencies: max(1, int(float64(s.Agencies)*f)), Owners: max(1, int(float64(s.Owners)*f)),
		Projects: max(1, int(float64(s.Projects)*f))}
}

// Generated counts what Generate wrote.
type Generated struct {
	Agencies, Listings, Owners, Projects, Signups, Quotes int
	States                                                map[hall.State]int
}

// GeneratedPassword is the password of every generated account. Generated
// data is for measuring, never for a deployment people use.
const GeneratedPassword = "gen-pass-2026"

// cityDistricts are the districts of Lanzhou, where a city's agencies and
// projects sit.
var cityDistricts = []string{"620102", "620103", "620104", "620105", "620111", "620121", "620122", "620123"}

// Generate writes realistic data of the given scale through the domain
// services — agencies through admission, projects through the hall from
// publication to evaluation — so every rule holds as in real use. It is
// deterministic in the seed: the same seed makes the same agencies,
// owners, projects, sign-ups, amounts and dates. What the platform keeps
// random on purpose (draw secrets, quote nonces, file keys) stays random.
// It adds to the demo data (run Seed first) and is not idempotent.
func Generate(ctx context.Context, d Deps, scale Scale, seed uint64, workers int, progress io.Writer) (Generated, error) {
	g := &generator{d: d, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), out: Generated{States: map[hall.State]int{}},
		progress: progress, real: d.Now()}
	items, err := d.Catalog.List(ctx)
	if err != nil {
		return g.out, err
	}
	if len(items) == 0 {
		return g.out, fmt.Errorf("the service catalog is empty: seed the demo first")
	}
	g.items = items
	start := time.Now()
	if err := g.makeAgencies(ctx, scale.Agencies, seed); err != nil {
		return g.out, err
	}
	g.logf("%d agencies with %d listings in %s", g.out.Agencies, g.out.Listings, time.Since(start).Round(time.Second))
	if err := g.makeOwners(ctx, scale.Owners, seed); err != nil {
		return g.out, err
	}
	start = time.Now()
	err = g.makeProjects(ctx, scale.Projects, max(1, workers), seed)
	g.logf("%d projects, %d sign-ups, %d quotes in %s", g.out.Projects, g.out.Signups, g.out.Quotes, time.Since(start).Round(time.Second))
	return g.out, err
}

type generator struct {
	d        Deps
	rng      *rand.Rand
	out      Generated
	progress io.Writer
	real     time.Time
	items    []registry.ServiceItem
	owners   []auth.Org
	eligible map[string][]string // item code → admitted agencies listing it
}

func (g *generator) logf(format string, args ...any) {
	if g.progress != nil {
		fmt.Fprintf(g.progress, format+"\n", args...)
	}
}

// stem makes the 17-character stem of a credit code, unique per (kind, i, seed).
func stem(region string, kind byte, i int, seed uint64) string {
	const alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	n := uint64(i)*1_000_003 + seed%1000
	tail := []byte{'M', 'A', kind}
	for range 6 {
		tail = append(tail, alphabet[n%uint64(len(alphabet))])
		n /= uint64(len(alphabet))
	}
	return "91" + region + string(tail)
}

func (g *generator) makeAgencies(ctx context.Context, n int, seed uint64) error {
	today := registry.DateOf(g.real)
	regulator := registry.Actor{UserID: "reg-zwfw", OrgID: "regulator:reg-zwfw", Kind: registry.ActorRegulator}
	cert := demoCertificate("Generated certificate")
	for i := range n {
		biz := businesses[g.rng.IntN(len(businesses))]
		region := cityDistricts[g.rng.IntN(len(cityDistricts))]
		uscc := usccFor(stem(region, 'G', i, seed)[:8], stem(region, 'G', i, seed)[8:])
		// Unique names: a trade name, a word and, past the first 112, a number.
		name := "甘肃" + tradeNames[i%len(tradeNames)] + []string{"华信", "中衡", "正源", "恒达", "瑞丰", "博远", "天成", "嘉禾"}[(i/len(tradeNames))%8]
		if n := i / (8 * len(tradeNames)); n > 0 {
			name += fmt.Sprint(n + 1)
		}
		name += biz.suffix
		login := fmt.Sprintf("gen-agency-%05d", i+1)
		org := auth.Org{ID: auth.OrgID(auth.OrgAgency, uscc), Kind: auth.OrgAgency, Name: name, USCC: uscc, Region: region,
			Contact: contactName(i), Phone: fmt.Sprintf("0931-8%07d", i)}
		if _, err := g.d.Auth.EnsureAccount(ctx, org, auth.User{ID: login, Name: org.Contact, Role: auth.RoleAgency, Phone: org.Phone}, GeneratedPassword); err != nil {
			return fmt.Errorf("agency account %s: %w", login, err)
		}
		who := registry.Actor{UserID: login, OrgID: org.ID, Kind: registry.ActorAgency}
		in := registry.ApplicationInput{Profile: registry.Profile{USCC: uscc, Name: name, LegalRep: legalRep(i), Region: region,
			Address: fmt.Sprintf("甘肃省%s%d号", addressStreet(i), 10+i%90), Contact: org.Contact, Phone: org.Phone}}
		if _, err := g.d.Registry.StartApplication(ctx, who, in.Profile); err != nil {
			return err
		}
		held := map[string]bool{}
		for qi, typ := range biz.quals {
			m, err := g.d.Files.Upload(ctx, org.ID, login, "qualification", typ+"证书.pdf", bytes.NewReader(cert))
			if err != nil {
				return err
			}
			in.Profile.Qualifications = append(in.Profile.Qualifications, registry.Qualification{Type: typ, Level: biz.level,
				CertNo: fmt.Sprintf("GS-%s-%05d-%d", region[2:4], i, qi+1), Issuer: biz.issuer, FileID: m.ID,
				ValidFrom: registry.DateOf(today.Start().AddDate(-3, 0, 0)), ValidTo: registry.DateOf(today.Start().AddDate(3, g.rng.IntN(12), 0))})
			held[typ] = true
		}
		for _, it := range g.rng.Perm(len(g.items)) {
			item := g.items[it]
			if item.Enabled && len(item.Qualifications) > 0 && held[item.Qualifications[0]] && len(in.Listings) < 8 {
				in.Listings = append(in.Listings, registry.Listing{ItemCode: item.Code,
					CommittedDays: max(1, item.TimeLimitDays*(60+g.rng.IntN(40))/100), FeeNote: "按市场价协商，不高于行业指导价"})
			}
		}
		in.Practitioners = []registry.PractitionerInput{{Name: legalRep(i + 5), Certificate: fmt.Sprintf("注册工程师 GS%06d", i),
			IDNumber: fmt.Sprintf("6201021980%02d%02d%04d", 1+i%12, 1+i%28, i%10000)}}
		steps := []func() error{
			func() error { _, err := g.d.Registry.SaveApplication(ctx, who, org.ID, in); return err },
			func() error { _, err := g.d.Registry.AcceptCommitment(ctx, who, org.ID); return err },
			func() error { _, err := g.d.Registry.Submit(ctx, who, org.ID); return err },
			func() error {
				_, err := g.d.Registry.Review(ctx, regulator, org.ID, registry.MoveApprove, "")
				return err
			},
		}
		for _, step := range steps {
			if err := step(); err != nil {
				return fmt.Errorf("agency %s: %w", name, err)
			}
		}
		g.out.Agencies++
		g.out.Listings += len(in.Listings)
		if (i+1)%500 == 0 {
			g.logf("  %d agencies", i+1)
		}
	}
	g.eligible = map[string][]string{}
	for _, it := range g.items {
		for _, h := range listing(g.d.Registry.Directory(), it.Code, g.real) {
			g.eligible[it.Code] = append(g.eligible[it.Code], h.Agency.ID)
		}
	}
	return nil
}

// listing is every admitted agency with a valid listing of item, all pages.
func listing(dir *registry.Directory, item string, now time.Time) []registry.DirectoryEntry {
	var out []registry.DirectoryEntry
	for page := 1; ; page++ {
		hits, total := dir.Search(registry.DirectoryQuery{ItemCode: item, Page: page, PageSize: 100, Now: now})
		out = append(out, hits...)
		if len(hits) == 0 || len(out) >= total {
			return out
		}
	}
}

func (g *generator) makeOwners(ctx context.Context, n int, seed uint64) error {
	kinds := []string{"城市建设投资有限公司", "置业有限公司", "交通投资有限公司", "水务集团有限公司", "教育局", "卫生健康委员会", "产业园区管理委员会"}
	for i := range n {
		region := cityDistricts[i%len(cityDistricts)]
		uscc := usccFor(stem(region, 'H', i, seed)[:8], stem(region, 'H', i, seed)[8:])
		org := auth.Org{ID: auth.OrgID(auth.OrgOwner, uscc), Kind: auth.OrgOwner, USCC: uscc, Region: region,
			Name: fmt.Sprintf("兰州%s%s（%03d）", tradeNames[i%len(tradeNames)], kinds[i%len(kinds)], i+1), Contact: contactName(i + 7),
			Phone: fmt.Sprintf("0931-6%07d", i)}
		if _, err := g.d.Auth.EnsureAccount(ctx, org, auth.User{ID: fmt.Sprintf("gen-owner-%04d", i+1), Name: org.Contact,
			Role: auth.RoleOwner}, GeneratedPassword); err != nil {
			return err
		}
		g.owners = append(g.owners, org)
	}
	g.out.Owners = n
	return nil
}

// makeProjects spreads n projects over the two years before now and takes
// each as far as its age allows. Workers run projects side by side, each
// with its own clock and hall service; project i draws from its own
// random stream, so what it becomes does not depend on the scheduling
// (only the daily sequence numbers in project IDs may).
func (g *generator) makeProjects(ctx context.Context, n, workers int, seed uint64) error {
	var usable []registry.ServiceItem
	for _, it := range g.items {
		if len(g.eligible[it.Code]) >= 3 {
			usable = append(usable, it)
		}
	}
	if len(usable) == 0 {
		return fmt.Errorf("no service item has three admitted agencies")
	}
	sort.Slice(usable, func(a, b int) bool { return usable[a].Code < usable[b].Code })
	span := 730 * 24 * time.Hour
	begin := g.real.Add(-span)
	contract := demoCertificate("Generated contract")
	t0 := time.Now()
	var mu sync.Mutex
	var done atomic.Int64
	work := make(chan int)
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			clk := &movableClock{}
			svc := g.d.NewHall(clk.now)
			if err := svc.Load(ctx); err != nil {
				errs <- err
				return
			}
			cal := hall.NewCalendar()
			for i := range work {
				rng := rand.New(rand.NewPCG(seed, uint64(i)))
				at := begin.Add(time.Duration(float64(span) * (float64(i) + rng.Float64()) / float64(n)))
				day := registry.DateOf(at)
				if !cal.IsWorkday(day) {
					day = cal.AddWorkdays(day, 1)
				}
				clk.set(day.Start().Add(time.Duration(9*60+rng.IntN(8*60)) * time.Minute))
				if clk.now().After(g.real) {
					clk.set(g.real.Add(-time.Hour))
				}
				it := usable[rng.IntN(len(usable))]
				owner := g.owners[rng.IntN(len(g.owners))]
				who := registry.Actor{UserID: "gen", OrgID: owner.ID, Kind: registry.ActorOwner}
				pg := &projectGen{generator: g, rng: rng, svc: svc, clk: clk, cal: cal}
				p, err := pg.run(ctx, who, owner.Name, it, contract)
				if err != nil {
					if e, ok := apperr.As(err); ok && len(e.Fields) > 0 {
						err = fmt.Errorf("%w %v", err, e.Fields)
					}
					errs <- fmt.Errorf("project %d (%s, %s): %w", i+1, p.ID, it.Code, err)
					return
				}
				mu.Lock()
				g.out.Projects++
				g.out.Signups += pg.signups
				g.out.Quotes += pg.quotes
				g.out.States[p.State]++
				mu.Unlock()
				if k := done.Add(1); k%1000 == 0 {
					g.logf("  %d projects (%.0f/s)", k, float64(k)/time.Since(t0).Seconds())
				}
			}
		}()
	}
	var err error
feed:
	for i := range n {
		select {
		case work <- i:
		case err = <-errs:
			break feed
		case <-ctx.Done():
			err = ctx.Err()
			break feed
		}
	}
	close(work)
	wg.Wait()
	if err == nil {
		select {
		case err = <-errs:
		default:
		}
	}
	return err
}

// projectGen takes one project through its life.
type projectGen struct {
	*generator
	rng             *rand.Rand
	svc             *hall.Service
	clk             *movableClock
	cal             *hall.Calendar
	signups, quotes int
}

var genMethods = []hall.Method{hall.MethodRandom, hall.MethodRandom, hall.MethodRandom, hall.MethodRandom, hall.MethodRandom,
	hall.MethodLowest, hall.MethodLowest, hall.MethodReasonable, hall.MethodScoring, hall.MethodDirect}

func (g *projectGen) run(ctx context.Context, owner registry.Actor, ownerName string, it registry.ServiceItem,
	contractPDF []byte) (hall.Project, error) {
	svc, clk, cal := g.svc, g.clk, g.cal
	method := genMethods[g.rng.IntN(len(genMethods))]
	ceiling := int64(20_000+g.rng.IntN(480)*1000) * 100
	if method == hall.MethodDirect {
		ceiling = int64(5_000+g.rng.IntN(90)*1000) * 100 // direct choice only for small ceilings
	}
	deadline := cal.AddWorkdays(registry.DateOf(clk.now()), 5).Start().Add(17 * time.Hour)
	in := hall.ProjectInput{Name: fmt.Sprintf("%s%s项目%s", cityProjectNames[g.rng.IntN(len(cityProjectNames))],
		[]string{"一期", "二期", "三期", "改扩建", "配套"}[g.rng.IntN(5)], it.Name),
		InvestmentCode: fmt.Sprintf("2025-620100-%02d-01-%06d", 10+g.rng.IntN(80), g.rng.IntN(1_000_000)), ItemCode: it.Code,
		Region: cityDistricts[g.rng.IntN(len(cityDistricts))], Scope: "按照相关法律法规和技术规范完成" + it.Name + "，成果须通过主管部门审查。",
		Funding: []hall.Funding{hall.FundingFiscal, hall.FundingSocial}[g.rng.IntN(2)], CeilingFen: ceiling,
		TimeLimitDays: max(1, it.TimeLimitDays*(50+g.rng.IntN(50))/100), Method: method, SignupDeadline: deadline,
		OpeningTime: deadline.Add(16*time.Hour + 30*time.Minute), ComplaintContact: "兰州市政务服务中心 0931-8888888"}
	candidates := g.eligible[it.Code]
	pick := g.rng.Perm(len(candidates))
	if method.Quoted() {
		in.FloorFen = ceiling * 6 / 10
	}
	if method == hall.MethodScoring {
		in.Weights = &hall.Weights{Price: 40, Credit: 20, Criteria: []hall.Criterion{{Name: "技术方案", Max: 30}, {Name: "服务承诺与团队", Max: 10}}}
	}
	if method == hall.MethodDirect {
		in.DirectAgency = candidates[pick[0]]
		in.DirectReason = "金额较小，该机构为原设施检测单位，熟悉情况，经集体决策直接选取。"
	}
	p, err := svc.Create(ctx, owner, ownerName, in)
	if err != nil {
		return p, err
	}
	if p, err = svc.Publish(ctx, owner, p.ID); err != nil {
		return p, err
	}
	if g.rng.IntN(50) == 0 && p.State == hall.StateOpen { // 2% cancelled while open
		clk.add(26 * time.Hour)
		p, err = svc.Cancel(ctx, owner, p.ID, "项目建设方案调整，原服务需求取消")
		return g.done(p, err)
	}
	if method != hall.MethodDirect {
		clk.add(20 * time.Hour)
		signups := min(len(candidates), 2+g.rng.IntN(7)) // 2–8, about 5
		if g.rng.IntN(25) == 0 {
			signups = 0 // nobody: the round fails
		}
		for k := range signups {
			if g.stop(clk) {
				return g.done(p, nil)
			}
			ag := registry.Actor{UserID: "gen", OrgID: candidates[pick[k]], Kind: registry.ActorAgency}
			if p, err = svc.SignUp(ctx, ag, p.ID); err != nil {
				return p, err
			}
			g.signups++
			if method.Quoted() {
				amount := ceiling * int64(70+g.rng.IntN(30)) / 100
				if _, err := svc.SubmitQuote(ctx, ag, p.ID, amount); err != nil {
					return p, err
				}
				g.quotes++
			}
			clk.add(time.Duration(1+g.rng.IntN(90)) * time.Minute)
		}
		clk.set(p.OpeningTime)
		if g.stop(clk) {
			return g.done(p, nil)
		}
		if p, err = svc.OpenIfDue(ctx, p.ID); err != nil {
			return p, err
		}
		if p.State == hall.StateOpening && method == hall.MethodScoring {
			clk.add(2 * time.Hour)
			scores := map[string][]int64{}
			for _, b := range p.Opening.Bids {
				scores[b.AgencyID] = []int64{int64(18+g.rng.IntN(12)) * 10000, int64(5+g.rng.IntN(5)) * 10000}
			}
			if p, err = svc.ScoreCriteria(ctx, owner, p.ID, scores); err != nil {
				return p, err
			}
		}
		if p.State != hall.StatePublicity {
			return g.done(p, nil)
		}
	}
	clk.set(p.PublicityEnd.Add(time.Hour))
	if g.stop(clk) {
		return g.done(p, nil)
	}
	if p, err = svc.Advance(ctx, p.ID); err != nil || p.State != hall.StateContracting {
		return g.done(p, err)
	}
	clk.add(time.Duration(20+g.rng.IntN(72)) * time.Hour)
	if g.stop(clk) {
		return g.done(p, nil)
	}
	file, err := g.d.Files.Upload(ctx, owner.OrgID, owner.UserID, "contract", "服务合同.pdf", bytes.NewReader(contractPDF))
	if err != nil {
		return p, err
	}
	amount := p.CeilingFen
	if p.Opening != nil {
		for _, b := range p.Opening.Bids {
			if b.AgencyID == p.Winner && b.Valid {
				amount = b.Amount
			}
		}
	}
	if p, err = svc.SignContract(ctx, owner, p.ID, amount, clk.now(), file.ID); err != nil {
		return p, err
	}
	// Most deliver on time; some late.
	lead := time.Duration(24+g.rng.IntN(24*10)) * time.Hour
	if g.rng.IntN(8) == 0 {
		lead = -time.Duration(24+g.rng.IntN(24*6)) * time.Hour
	}
	clk.set(p.Contract.DueAt.Add(-lead))
	if g.stop(clk) {
		return g.done(p, nil)
	}
	winner := registry.Actor{UserID: "gen", OrgID: p.Winner, Kind: registry.ActorAgency}
	report, err := g.d.Files.Upload(ctx, p.Winner, "gen", "deliverable", it.Name+"成果.pdf", bytes.NewReader(contractPDF))
	if err != nil {
		return p, err
	}
	if p, err = svc.Deliver(ctx, winner, p.ID, report.ID); err != nil {
		return p, err
	}
	clk.add(time.Duration(24+g.rng.IntN(72)) * time.Hour)
	if g.stop(clk) {
		return g.done(p, nil)
	}
	if p, err = svc.DecideDelivery(ctx, owner, p.ID, true, ""); err != nil {
		return p, err
	}
	clk.add(time.Duration(12+g.rng.IntN(96)) * time.Hour)
	if g.stop(clk) {
		return g.done(p, nil)
	}
	star := func() int { return 3 + g.rng.IntN(3) }
	p, err = svc.Evaluate(ctx, owner, p.ID, hall.Evaluation{Quality: star(), Timeliness: star(), Attitude: star(), Fees: star(),
		Conduct: star(), Comment: "按合同约定完成服务。"})
	return g.done(p, err)
}

// stop reports whether the project's next step would be in the future.
func (g *projectGen) stop(clk *movableClock) bool { return clk.now().After(g.real) }

func (g *projectGen) done(p hall.Project, err error) (hall.Project, error) { return p, err }

var cityProjectNames = []string{"兰州新区综合保税区", "城关区雁滩片区", "七里河区黄河南岸", "安宁区仁恒路", "西固区化工园区", "榆中县和平镇",
	"皋兰县石洞镇", "永登县城区", "红古区海石湾", "兰州高新区", "兰州经济技术开发区", "中川国际机场周边"}

// StormProject prepares a deadline storm: a lowest-price project whose sign-up deadline is at deadline, published
// (through the services, on a clock a week back) for the service item with
// the most admitted agencies, with n of them signed up. Agencies are
// generated for the item when it has fewer. It returns the project and the
// logins of the signed-up agencies (password GeneratedPassword).
func StormProject(ctx context.Context, d Deps, deadline time.Time, n int, seed uint64) (string, []string, error) {
	g := &generator{d: d, rng: rand.New(rand.NewPCG(seed, 0xdead11)), out: Generated{States: map[hall.State]int{}}, real: d.Now()}
	items, err := d.Catalog.List(ctx)
	if err != nil {
		return "", nil, err
	}
	g.items = items
	count := func(code string) []registry.DirectoryEntry { return listing(d.Registry.Directory(), code, deadline) }
	best, most := "", -1
	for _, it := range items {
		if !it.Enabled || len(it.Qualifications) == 0 {
			continue
		}
		if c := len(count(it.Code)); c > most {
			best, most = it.Code, c
		}
	}
	if best == "" {
		return "", nil, fmt.Errorf("the service catalog is empty: seed the demo first")
	}
	// Generated agencies enough for the storm, listing the item (the
	// demo's own have another password and do not count).
	users, err := agencyLogins(ctx, d.Auth)
	if err != nil {
		return "", nil, err
	}
	generated, stormed := 0, 0
	for _, h := range count(best) {
		if strings.HasPrefix(users[h.Agency.ID], "gen-") {
			generated++
		}
	}
	for _, login := range users {
		if strings.HasPrefix(login, "gen-storm-") {
			stormed++ // made by an earlier storm: the next ones get new numbers
		}
	}
	if generated < n {
		for extra := range n - generated {
			if err := g.stormAgency(ctx, best, stormed+extra, seed); err != nil {
				return "", nil, err
			}
		}
		if users, err = agencyLogins(ctx, d.Auth); err != nil {
			return "", nil, err
		}
	}
	hits := count(best)
	owner := demoAccounts()[0]
	who := registry.Actor{UserID: owner.user.ID, OrgID: owner.org.ID, Kind: registry.ActorOwner}
	clk := &movableClock{}
	svc := d.NewHall(clk.now)
	if err := svc.Load(ctx); err != nil {
		return "", nil, err
	}
	cal := hall.NewCalendar()
	day := registry.DateOf(deadline)
	for back := 0; back < 6; {
		day = registry.DateOf(day.Start().AddDate(0, 0, -1))
		if cal.IsWorkday(day) {
			back++
		}
	}
	published := day.Start().Add(10 * time.Hour)
	clk.set(published)
	p, err := svc.Create(ctx, who, owner.org.Name, hall.ProjectInput{Name: fmt.Sprintf("截止前报价压力测试项目（%s 截止）",
		deadline.In(registry.Shanghai).Format("01-02 15:04:05")), ItemCode: best, Region: "620102", Funding: hall.FundingSocial,
		Scope: "用于测量截止前集中报价的项目。", CeilingFen: 30_000_000, FloorFen: 18_000_000, TimeLimitDays: 10, Method: hall.MethodLowest,
		SignupDeadline: deadline, OpeningTime: deadline.Add(24 * time.Hour), ComplaintContact: "兰州市政务服务中心 0931-8888888"})
	if err != nil {
		if e, ok := apperr.As(err); ok && len(e.Fields) > 0 {
			err = fmt.Errorf("%w %v", err, e.Fields)
		}
		return "", nil, err
	}
	if p, err = svc.Publish(ctx, who, p.ID); err != nil {
		return "", nil, err
	}
	clk.add(24 * time.Hour)
	var logins, refused []string
	for _, h := range hits {
		if len(logins) == n {
			break
		}
		login, ok := users[h.Agency.ID]
		if !ok || !strings.HasPrefix(login, "gen-") {
			continue // only generated accounts: their password is known
		}
		if _, err := svc.SignUp(ctx, registry.Actor{UserID: login, OrgID: h.Agency.ID, Kind: registry.ActorAgency}, p.ID); err != nil {
			refused = append(refused, h.Agency.Profile.Name+"："+err.Error())
			continue // not eligible (e.g. excluded): the next one
		}
		logins = append(logins, login)
	}
	if len(logins) < n {
		return p.ID, logins, fmt.Errorf("only %d agencies could sign up for %s; refused: %s", len(logins), p.ID, strings.Join(refused, "; "))
	}
	return p.ID, logins, nil
}

// stormAgency admits one more agency listing item.
func (g *generator) stormAgency(ctx context.Context, item string, i int, seed uint64) error {
	var it registry.ServiceItem
	for _, x := range g.items {
		if x.Code == item {
			it = x
		}
	}
	today := registry.DateOf(g.real)
	regulator := registry.Actor{UserID: "reg-zwfw", OrgID: "regulator:reg-zwfw", Kind: registry.ActorRegulator}
	region := cityDistricts[i%len(cityDistricts)]
	st := stem(region, 'K', i, seed)
	uscc := usccFor(st[:8], st[8:])
	name := fmt.Sprintf("甘肃%s联合%d咨询有限公司", tradeNames[i%len(tradeNames)], i+1)
	login := fmt.Sprintf("gen-storm-%04d", i+1)
	org := auth.Org{ID: auth.OrgID(auth.OrgAgency, uscc), Kind: auth.OrgAgency, Name: name, USCC: uscc, Region: region,
		Contact: contactName(i), Phone: fmt.Sprintf("0931-5%07d", i)}
	if _, err := g.d.Auth.EnsureAccount(ctx, org, auth.User{ID: login, Name: org.Contact, Role: auth.RoleAgency, Phone: org.Phone}, GeneratedPassword); err != nil {
		return err
	}
	who := registry.Actor{UserID: login, OrgID: org.ID, Kind: registry.ActorAgency}
	in := registry.ApplicationInput{Profile: registry.Profile{USCC: uscc, Name: name, LegalRep: legalRep(i), Region: region,
		Address: fmt.Sprintf("甘肃省%s%d号", addressStreet(i), 10+i%90), Contact: org.Contact, Phone: org.Phone}}
	if _, err := g.d.Registry.StartApplication(ctx, who, in.Profile); err != nil {
		return err
	}
	cert := demoCertificate("Storm certificate")
	for qi, typ := range it.Qualifications {
		m, err := g.d.Files.Upload(ctx, org.ID, login, "qualification", typ+"证书.pdf", bytes.NewReader(cert))
		if err != nil {
			return err
		}
		in.Profile.Qualifications = append(in.Profile.Qualifications, registry.Qualification{Type: typ, Level: "乙级",
			CertNo: fmt.Sprintf("GS-S-%05d-%d", i, qi+1), Issuer: "甘肃省住房和城乡建设厅", FileID: m.ID,
			ValidFrom: registry.DateOf(today.Start().AddDate(-3, 0, 0)), ValidTo: registry.DateOf(today.Start().AddDate(3, 0, 0))})
	}
	in.Listings = []registry.Listing{{ItemCode: item, CommittedDays: max(1, it.TimeLimitDays/2), FeeNote: "按市场价协商"}}
	in.Practitioners = []registry.PractitionerInput{{Name: legalRep(i + 5), Certificate: fmt.Sprintf("注册工程师 GS-S%05d", i),
		IDNumber: fmt.Sprintf("6201021985%02d%02d%04d", 1+i%12, 1+i%28, i%10000)}}
	if _, err := g.d.Registry.SaveApplication(ctx, who, org.ID, in); err != nil {
		return err
	}
	if _, err := g.d.Registry.AcceptCommitment(ctx, who, org.ID); err != nil {
		return err
	}
	if _, err := g.d.Registry.Submit(ctx, who, org.ID); err != nil {
		return err
	}
	_, err := g.d.Registry.Review(ctx, regulator, org.ID, registry.MoveApprove, "")
	return err
}

// agencyLogins maps each agency organisation to one of its logins.
func agencyLogins(ctx context.Context, a *auth.Service) (map[string]string, error) {
	admin := auth.Principal{UserID: "gen", Role: auth.RoleAdmin}
	out := map[string]string{}
	for page := 1; ; page++ {
		pg, err := a.ListUsers(ctx, admin, auth.UserFilter{Role: auth.RoleAgency, Page: page, PageSize: 100})
		if err != nil {
			return nil, err
		}
		for _, u := range pg.Items {
			if _, ok := out[u.OrgID]; !ok {
				out[u.OrgID] = u.ID
			}
		}
		if page*pg.PageSize >= pg.Total || len(pg.Items) == 0 {
			return out, nil
		}
	}
}
