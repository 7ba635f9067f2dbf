package demo

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/agencyhall/agencyhall/hall"
	"github.com/agencyhall/agencyhall/registry"
)

// scenario is one demo project and the state it is taken to.
type scenario struct {
	name     string
	item     string // service item name (as in the catalog)
	method   hall.Method
	funding  hall.Funding
	ceiling  int64 // yuan
	days     int   // service time limit
	signups  int
	quotes   []int // quote as a percentage of the ceiling, per sign-up
	target   hall.State
	daysAgo  int // when it was published
	objected bool
}

var scenarios = []scenario{
	{"兰州新区职业教育园区二期项目可行性研究报告编制", "项目建议书、可行性研究报告编制", hall.MethodReasonable, hall.FundingFiscal, 480_000, 30, 5,
		[]int{92, 88, 95, 85, 90}, hall.StateEvaluated, 75, false},
	{"G312线兰州东岗至桑园子段改建工程环境影响报告书编制", "建设项目环境影响报告书（表）编制", hall.MethodLowest, hall.FundingFiscal, 380_000, 30, 4,
		[]int{91, 86, 94, 89}, hall.StateInService, 24, false},
	{"七里河区黄河南岸生态治理工程地质灾害危险性评估", "地质灾害危险性评估", hall.MethodRandom, hall.FundingFiscal, 160_000, 25, 4,
		nil, hall.StatePublicity, 7, false},
	{"城关区雁滩片区老旧小区改造项目工程造价咨询", "工程造价咨询", hall.MethodScoring, hall.FundingFiscal, 260_000, 20, 4,
		[]int{93, 87, 90, 96}, hall.StateOpening, 9, false},
	{"兰州市第二人民医院门诊楼防雷装置检测", "新建、改建、扩建建(构)筑物防雷装置检测", hall.MethodDirect, hall.FundingSocial, 12_000, 10, 0,
		nil, hall.StateContracting, 6, false},
	{"安宁区仁恒路市政道路工程竣工规划核实测量", "建设工程竣工规划核实测量", hall.MethodRandom, hall.FundingFiscal, 86_000, 15, 2,
		nil, hall.StateOpen, 1, false},
	{"七里河区西津西路综合管廊工程建设项目位置图及地形图测绘", "建设项目位置图及地形图", hall.MethodLowest, hall.FundingSocial, 65_000, 15, 1,
		[]int{97}, hall.StateOpen, 2, false},
	{"皋兰县石洞镇污水处理厂水土保持方案编制", "水土保持方案", hall.MethodLowest, hall.FundingFiscal, 150_000, 30, 2,
		[]int{90, 93}, hall.StateFailed, 20, false},
	{"西固区化工园区危险化学品仓储项目安全预评价", "安全预评价报告备案证明", hall.MethodReasonable, hall.FundingSocial, 210_000, 30, 2,
		[]int{90, 92}, hall.StateCancelled, 10, false},
	{"兰州新区综合保税区二期仓储用房房产测绘", "房产测绘", hall.MethodRandom, hall.FundingSocial, 48_000, 15, 3,
		nil, hall.StateDelivered, 30, false},
	{"榆中县和平镇安置房项目消防设施检测", "消防设施检测", hall.MethodLowest, hall.FundingSocial, 36_000, 10, 3,
		[]int{88, 92, 85}, hall.StateObjection, 7, true},
	{"兰州新区城市展览馆建设项目招标代理", "招标代理", hall.MethodRandom, hall.FundingFiscal, 95_000, 30, 0,
		nil, hall.StateDraft, 0, false},
}

// movableClock is the demo's own clock: projects are created in the past
// and taken through their steps as time moves on.
type movableClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *movableClock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *movableClock) set(t time.Time)     { c.mu.Lock(); c.t = t; c.mu.Unlock() }
func (c *movableClock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// seedProjects creates the demo projects through a hall service running on
// the demo clock. Projects that exist (by name) are left alone.
func seedProjects(ctx context.Context, d Deps, items []registry.ServiceItem) error {
	if d.NewHall == nil {
		return nil
	}
	clk := &movableClock{}
	svc := d.NewHall(clk.now)
	if err := svc.Load(ctx); err != nil {
		return err
	}
	owner := demoAccounts()[0]
	who := registry.Actor{UserID: owner.user.ID, OrgID: owner.org.ID, Kind: registry.ActorOwner}
	existing, _ := svc.List(who, hall.ListQuery{OwnerOrg: owner.org.ID, PageSize: 100})
	have := map[string]bool{}
	for _, p := range existing {
		have[p.Name] = true
	}
	byName := map[string]registry.ServiceItem{}
	for _, it := range items {
		byName[it.Name] = it
	}
	real := d.Now()
	for _, sc := range scenarios {
		if have[sc.name] {
			continue
		}
		it, ok := byName[sc.item]
		if !ok {
			return fmt.Errorf("demo project %s: no service item %s", sc.name, sc.item)
		}
		if err := runScenario(ctx, d, svc, clk, who, sc, it, real); err != nil {
			return fmt.Errorf("demo project %s: %w", sc.name, err)
		}
	}
	return nil
}

func runScenario(ctx context.Context, d Deps, svc *hall.Service, clk *movableClock, owner registry.Actor, sc scenario,
	it registry.ServiceItem, real time.Time) error {
	cal := hall.NewCalendar()
	start := registry.DateOf(real.AddDate(0, 0, -sc.daysAgo)).Start().Add(9*time.Hour + 30*time.Minute)
	clk.set(start)
	deadlineDay := cal.AddWorkdays(registry.DateOf(start), 5)
	deadline := deadlineDay.Start().Add(17 * time.Hour)
	in := hall.ProjectInput{Name: sc.name, InvestmentCode: fmt.Sprintf("2026-620100-%02d-01-%06d", 47+len(sc.name)%30, 100000+len(sc.name)*37),
		ItemCode: it.Code, Region: "620102", Scope: "按照相关法律法规和技术规范完成" + it.Name + "，成果须通过主管部门审查。",
		Funding: sc.funding, CeilingFen: sc.ceiling * 100, TimeLimitDays: min(sc.days, it.TimeLimitDays), Method: sc.method,
		SignupDeadline: deadline, OpeningTime: deadline.Add(16*time.Hour + 30*time.Minute), ComplaintContact: "兰州市政务服务中心 0931-8888888"}
	if sc.method.Quoted() {
		in.FloorFen = sc.ceiling * 100 * 6 / 10
	}
	if sc.method == hall.MethodScoring {
		in.Weights = &hall.Weights{Price: 40, Credit: 20, Criteria: []hall.Criterion{{Name: "技术方案", Max: 30}, {Name: "服务承诺与团队", Max: 10}}}
	}
	candidates := eligibleAgencies(d, it.Code, real)
	if sc.method == hall.MethodDirect {
		if len(candidates) == 0 {
			return fmt.Errorf("no eligible agency")
		}
		in.DirectAgency = candidates[0]
		in.DirectReason = "本项目为医院门诊楼年度防雷检测，金额较小，选取该机构为本院原防雷设施检测单位，熟悉设施情况，经院务会集体决策。"
	}
	p, err := svc.Create(ctx, owner, "兰州新区城市发展投资集团有限公司", in)
	if err != nil || sc.target == hall.StateDraft {
		return err
	}
	if p, err = svc.Publish(ctx, owner, p.ID); err != nil {
		return err
	}
	// Sign-ups and quotes on the next day.
	clk.add(24 * time.Hour)
	for i := 0; i < sc.signups && i < len(candidates); i++ {
		ag := registry.Actor{UserID: "demo", OrgID: candidates[i], Kind: registry.ActorAgency}
		if _, err := svc.SignUp(ctx, ag, p.ID); err != nil {
			return err
		}
		if i < len(sc.quotes) {
			if _, err := svc.SubmitQuote(ctx, ag, p.ID, sc.ceiling*int64(sc.quotes[i])); err != nil {
				return err
			}
		}
	}
	if sc.target == hall.StateCancelled {
		clk.add(24 * time.Hour)
		_, err := svc.Cancel(ctx, owner, p.ID, "项目建设方案调整，原服务需求取消，将另行发布")
		return err
	}
	if sc.target == hall.StateOpen || sc.method == hall.MethodDirect && sc.target == hall.StatePublicity {
		return nil
	}
	if sc.method != hall.MethodDirect {
		clk.set(p.OpeningTime)
		if p, err = svc.OpenIfDue(ctx, p.ID); err != nil {
			return err
		}
		if sc.target == hall.StateOpening || p.State == hall.StateFailed {
			return nil
		}
	}
	if sc.objected {
		clk.add(3 * time.Hour)
		loser := ""
		for _, su := range p.Signups {
			if su.AgencyID != p.Winner {
				loser = su.AgencyID
			}
		}
		_, err := svc.Object(ctx, registry.Actor{UserID: "demo", OrgID: loser, Kind: registry.ActorAgency}, p.ID,
			"中选机构报价明显低于成本，且项目负责人同时在其他项目任职，请核查其履约能力。")
		return err
	}
	if sc.target == hall.StatePublicity {
		return nil
	}
	clk.set(p.PublicityEnd.Add(time.Hour))
	if p, err = svc.Advance(ctx, p.ID); err != nil {
		return err
	}
	if sc.target == hall.StateContracting {
		return nil
	}
	clk.add(26 * time.Hour)
	contract, err := d.Files.Upload(ctx, owner.OrgID, owner.UserID, "contract", "服务合同.pdf", bytes.NewReader(demoCertificate("Contract "+p.ID)))
	if err != nil {
		return err
	}
	amount := p.CeilingFen
	if p.Opening != nil {
		for _, b := range p.Opening.Bids {
			if b.AgencyID == p.Winner {
				amount = b.Amount
			}
		}
	}
	if p, err = svc.SignContract(ctx, owner, p.ID, amount, clk.now(), contract.ID); err != nil {
		return err
	}
	if sc.target == hall.StateInService {
		return nil
	}
	clk.set(p.Contract.DueAt.Add(-72 * time.Hour))
	if clk.now().After(real) {
		clk.set(real.Add(-2 * time.Hour))
	}
	winner := registry.Actor{UserID: "demo", OrgID: p.Winner, Kind: registry.ActorAgency}
	report, err := d.Files.Upload(ctx, p.Winner, "demo", "deliverable", strings.TrimSuffix(it.Name, "编制")+"成果.pdf",
		bytes.NewReader(demoCertificate("Report "+p.ID)))
	if err != nil {
		return err
	}
	if _, err = svc.Deliver(ctx, winner, p.ID, report.ID); err != nil || sc.target == hall.StateDelivered {
		return err
	}
	clk.add(48 * time.Hour)
	if _, err = svc.DecideDelivery(ctx, owner, p.ID, true, ""); err != nil {
		return err
	}
	clk.add(24 * time.Hour)
	if _, err = svc.Evaluate(ctx, owner, p.ID, hall.Evaluation{Quality: 5, Timeliness: 4, Attitude: 5, Fees: 4, Conduct: 5,
		Comment: "报告内容翔实、论证充分，按期通过评审；个别数据补充略有延迟。"}); err != nil {
		return err
	}
	clk.add(24 * time.Hour)
	_, err = svc.Respond(ctx, winner, p.ID, "感谢业主的认可，后续将进一步加强资料交接的及时性。")
	return err
}

// eligibleAgencies lists admitted agencies with a valid listing of item,
// in directory order.
func eligibleAgencies(d Deps, item string, now time.Time) []string {
	hits, _ := d.Registry.Directory().Search(registry.DirectoryQuery{ItemCode: item, PageSize: 100, Now: now})
	out := make([]string, 0, len(hits))
	for _, h := range hits {
		out = append(out, h.Agency.ID)
	}
	return out
}
